import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testStack } from '@cellar/test-support';
import { SECRET_KEY_BASE64 } from '../../src/test-fixtures';
import { TEST_CKU_PROFILE } from './stack-app';

const API_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DETECTOR_ROOT = fileURLToPath(new URL('../../../degradation-detector', import.meta.url));
const BALANCER_ROOT = fileURLToPath(new URL('../../../balancer', import.meta.url));

/** A worker app running as a child process (tenancy worker, detector, balancer). */
export interface TenancyWorkerProcess {
  child: ChildProcess;
  /** Everything the process printed so far (pino JSON lines). */
  output(): string;
  /** Resolves when the process exits on its own (a crash, or fault injection). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * The real tenancy worker (src/worker-main.ts) as a child process on the test stack, on the
 * queue under `redisPrefix` (the same prefix as the app that enqueues), with the test CKU
 * profile and the test secret key. `env` adds or overrides variables (fault injection).
 */
export function startTenancyWorker(redisPrefix: string, env: Record<string, string> = {}): TenancyWorkerProcess {
  return startWorkerProcess(API_ROOT, 'src/worker-main.ts', redisPrefix, env);
}

/**
 * The real degradation detector (apps/degradation-detector/src/main.ts) on the test stack and
 * the queue under `redisPrefix`, with the test secret key; `env` tunes it (rounds, cool-down,
 * fault injection).
 */
export function startDetector(redisPrefix: string, env: Record<string, string> = {}): TenancyWorkerProcess {
  return startWorkerProcess(DETECTOR_ROOT, 'src/main.ts', redisPrefix, env);
}

/** The real balancer (apps/balancer/src/main.ts) on the test stack and the queue under `redisPrefix`. */
export function startBalancer(redisPrefix: string, env: Record<string, string> = {}): TenancyWorkerProcess {
  return startWorkerProcess(BALANCER_ROOT, 'src/main.ts', redisPrefix, env);
}

function startWorkerProcess(root: string, entry: string, redisPrefix: string, env: Record<string, string>): TenancyWorkerProcess {
  const stack = testStack();
  // Node loads TypeScript through tsx's hooks in the same process: signals reach the app itself,
  // not a tsx parent that relays them (and force-kills a child busy for more than 60 ms).
  const tsxHooks = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsxHooks, entry], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      REDIS_PREFIX: redisPrefix,
      CELLAR_SECRET_KEY: SECRET_KEY_BASE64,
      CELLAR_CKU_PROFILE: JSON.stringify(TEST_CKU_PROFILE),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    output: () => chunks.join(''),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
