import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from './errors';
import { requireCommand, run } from './process';
import type { KafkaRelease } from './versions';

const POM = resolve(fileURLToPath(new URL('.', import.meta.url)), '../maven/pom.xml');

export interface KafkaDistribution {
  release: KafkaRelease;
  /** Directory of runtime jars, used as `-cp "<libs>/*"`. */
  libsDir: string;
  /** The JMX exporter agent, kept off the broker classpath. */
  agentJar: string;
}

/** Where downloaded jars live: outside git, shared by every checkout and run on the machine. */
export function kafkaCacheDir(): string {
  const base = process.env['CELLAR_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'cellar');
  return join(base, 'kafka');
}

/**
 * Resolves Kafka's broker, tools and a logging backend from Maven Central with Maven
 * (the version is pinned in maven/pom.xml and versions.ts) into the cache, once.
 */
export async function ensureKafkaDistribution(release: KafkaRelease, log: (line: string) => void = () => {}): Promise<KafkaDistribution> {
  const home = join(kafkaCacheDir(), release.version);
  const libsDir = join(home, 'libs');
  const agentDir = join(home, 'agent');
  const marker = join(home, '.complete');
  if (existsSync(marker)) return distribution(release, libsDir, agentDir);

  requireCommand('java', ['-version'], 'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless).');
  requireCommand('mvn', ['-v'], 'install Apache Maven (Debian: apt-get install maven); it fetches Kafka from Maven Central.');
  log(`fetching Kafka ${release.version} from Maven Central into ${home} (once)`);
  const staging = join(home, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = await run('mvn', [
    '-q', '-B', '-f', POM, `-P${release.mavenProfile}`, `-Dkafka.version=${release.version}`,
    'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`,
  ]);
  if (result.code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const reason = (result.stdout + result.stderr).split('\n').find((line) => line.includes('[ERROR]')) ?? `exit code ${result.code}`;
    throw new HarnessError(`Maven could not fetch Kafka ${release.version}: ${reason.trim()} (check that Maven Central is reachable)`);
  }
  rmSync(libsDir, { recursive: true, force: true });
  rmSync(agentDir, { recursive: true, force: true });
  mkdirSync(agentDir, { recursive: true });
  for (const jar of readdirSync(staging)) {
    if (jar.startsWith('jmx_prometheus_javaagent')) renameSync(join(staging, jar), join(agentDir, jar));
  }
  renameSync(staging, libsDir);
  writeFileSync(marker, new Date().toISOString());
  return distribution(release, libsDir, agentDir);
}

function distribution(release: KafkaRelease, libsDir: string, agentDir: string): KafkaDistribution {
  const agent = readdirSync(agentDir).find((name) => name.endsWith('.jar'));
  if (!agent) throw new HarnessError(`the Kafka cache at ${agentDir} is incomplete: delete ${kafkaCacheDir()} and run again`);
  return { release, libsDir, agentJar: join(agentDir, agent) };
}
