/** The oldest Node this code runs on (fastify 5, vitest and @platformatic/kafka want 22.12+). */
export const MIN_NODE = [22, 12] as const;

export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor, minMinor] = MIN_NODE;
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `Cellar needs Node.js ${minMajor}.${minMinor} or newer, but this is ${version}. Run it through npm (npm run up), which uses the Node the project installs, or put Node 22+ on PATH.`;
}

/** Call first in every entry point: one clear line and exit code 1 on an old Node. */
export function assertNodeVersion(): void {
  const problem = nodeVersionProblem();
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
