import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { testStack } from '@cellar/test-support';
import { OPERATOR_TOKEN, SECRET_KEY_BASE64 } from '../../src/test-fixtures';
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

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The real API (apps/api/src/main.ts, as `npm run up` starts it) listening on `port`, on the
 * test stack and the queues under `redisPrefix`, with the test operator token.
 */
export function startApi(redisPrefix: string, port: number, env: Record<string, string> = {}): TenancyWorkerProcess {
  const stack = testStack();
  return startWorkerProcess(API_ROOT, 'src/main.ts', redisPrefix, {
    HOST: '127.0.0.1',
    PORT: String(port),
    CELLAR_OPERATOR_TOKEN: OPERATOR_TOKEN,
    KAFKA_BOOTSTRAP_SERVERS: stack.kafka.bootstrapServers.join(','),
    KAFKA_ADMIN_USERNAME: stack.kafka.admin.username,
    KAFKA_ADMIN_PASSWORD: stack.kafka.admin.password,
    ...env,
  });
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
