import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from './errors';

export interface CpuLimit {
  /** The process's share of one CPU while limited (0..1). */
  readonly fraction: number;
  /** Moves the process back to the root cgroup and removes the limit's cgroup. */
  release(): void;
}

const V1_CPU = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';

/**
 * Slows a process without stopping it: moves it (all its threads) into a fresh cgroup with a
 * CPU quota of `fraction` of one CPU (cgroup v1 `cpu.cfs_quota_us`, or v2 `cpu.max`). It keeps
 * answering, slowly, as a broker on a starved host would. Needs root and a writable cgroup
 * hierarchy; always `release()` (tests do it in a finally).
 */
export function limitCpu(pid: number, fraction: number, name = `cellar-slow-${pid}`): CpuLimit {
  if (!(fraction > 0 && fraction <= 1)) throw new HarnessError(`CPU fraction must be in (0, 1], got ${fraction}`);
  const period = 100_000;
  const quota = Math.max(1_000, Math.round(period * fraction));
  let dir: string;
  let rootProcs: string;
  if (existsSync(join(V1_CPU, 'cpu.cfs_quota_us'))) {
    dir = join(V1_CPU, name);
    rootProcs = join(V1_CPU, 'cgroup.procs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(period));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
  } else if (existsSync(join(V2_ROOT, 'cgroup.controllers')) && readFileSync(join(V2_ROOT, 'cgroup.controllers'), 'utf8').includes('cpu')) {
    dir = join(V2_ROOT, name);
    rootProcs = join(V2_ROOT, 'cgroup.procs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.max'), `${quota} ${period}`);
  } else {
    throw new HarnessError('no writable cgroup CPU controller (v1 /sys/fs/cgroup/cpu or v2 cpu.max)');
  }
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  let released = false;
  return {
    fraction,
    release() {
      if (released) return;
      released = true;
      try {
        writeFileSync(rootProcs, String(pid));
      } catch {
        // the process is gone: nothing to move back
      }
      rmdirSync(dir);
    },
  };
}
