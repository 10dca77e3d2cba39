import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryFile } from './files';
import { documentedMetrics, isDocumented } from './metrics-doc';

const DOC = readFileSync(repositoryFile('README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** What the code registers with prom-client: metric names and default-metric prefixes. */
function registeredInCode(): { names: Set<string>; prefixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const parent of ['apps', 'libs']) {
    for (const project of readdirSync(repositoryFile(parent))) {
      const src = repositoryFile(`${parent}/${project}/src`);
      if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue;
      for (const file of sourceFiles(src)) {
        const text = readFileSync(file, 'utf8');
        for (const [, name] of text.matchAll(/\bname: '(cellar_[a-z0-9_]+)'/g)) names.add(name!);
        for (const [, prefix] of text.matchAll(/collectDefaultMetrics\([^)]*prefix: '(cellar_[a-z0-9_]+)'/g)) prefixes.add(prefix!);
      }
    }
  }
  return { names, prefixes };
}

describe('documentedMetrics', () => {
  it('reads names and types from the tables and expands <prefix> rows', () => {
    const metrics = documentedMetrics(
      ['| process | prefix |', '|---|---|', '| API | `cellar_api_` |', '', '| metric | type |', '|---|---|', '| `cellar_x_seconds` | histogram |', '| `<prefix>process_open_fds` | gauge |', '| `cellar_y_*` | |'].join('\n'),
    );
    expect([...metrics]).toEqual([
      ['cellar_x_seconds', 'histogram'],
      ['cellar_api_process_open_fds', 'gauge'],
    ]);
    expect(isDocumented('cellar_x_seconds_bucket', metrics)).toBe(true);
    expect(isDocumented('cellar_api_process_open_fds_bucket', metrics)).toBe(false);
  });
});

describe("README.md's Metrics section", () => {
  const documented = documentedMetrics(DOC);
  const registered = registeredInCode();

  it('documents every cellar_ metric the code registers', () => {
    expect(registered.names.size).toBeGreaterThan(20);
    expect([...registered.names].filter((name) => !documented.has(name))).toEqual([]);
  });

  it("documents every process's default-metric prefix", () => {
    expect([...registered.prefixes].sort()).toEqual(['cellar_api_', 'cellar_balancer_', 'cellar_detector_', 'cellar_tenancy_worker_']);
    for (const prefix of registered.prefixes) expect(documented.has(`${prefix}process_cpu_seconds_total`), prefix).toBe(true);
  });

  it('documents no cellar_ metric the code does not register', () => {
    const defaults = [...registered.prefixes].flatMap((prefix) => [...documented.keys()].filter((name) => name.startsWith(prefix + 'process_') || name.startsWith(prefix + 'nodejs_')));
    const stale = [...documented.keys()].filter((name) => name.startsWith('cellar_') && !registered.names.has(name) && !defaults.includes(name));
    expect(stale).toEqual([]);
  });
});
