import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { testStack, uniqueName } from './index';

async function keysWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

function waitForLine(child: ChildProcess, output: string[], predicate: (line: string) => boolean, timeoutMs: number) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const match = lines.find(predicate);
      if (match !== undefined) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the line appeared:\n${output.join('')}`));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after SIGTERM`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * The worker lifecycle every worker app must keep, checked on the real process and the real
 * Redis: it starts from src/main.ts, keeps exactly one heartbeat schedule under its own
 * prefix, exits 0 on SIGTERM, and everything it wrote lives under that prefix.
 */
export async function expectWorkerLifecycle(
  appRoot: string,
  queueName: string,
  options: { env?: Record<string, string>; schedulers?: string[] } = {},
): Promise<void> {
  const redisUrl = testStack().redisUrl;
  const prefix = `${testStack().redisPrefix}:${uniqueName(queueName)}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  // Node loads TypeScript through tsx's hooks in the same process: signals reach the app itself,
  // not a tsx parent that relays them (and force-kills a child busy for more than 60 ms).
  const tsxHooks = import.meta.resolve('tsx');
  try {
    const child = spawn(process.execPath, ['--import', tsxHooks, 'src/main.ts'], {
      cwd: appRoot,
      env: { ...process.env, DATABASE_URL: testStack().databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

    try {
      const started = await waitForLine(child, output, (line) => line.includes('"msg":"started"'), 20_000);
      expect(JSON.parse(started)).toMatchObject({ app: queueName, queue: queueName, prefix });

      const keys = await keysWithPrefix(redis, prefix);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith(`${prefix}:${queueName}:`))).toBe(true);
      const schedulers = await redis.zrange(`${prefix}:${queueName}:repeat`, 0, -1);
      expect(schedulers.sort()).toEqual(options.schedulers ?? ['heartbeat']);

      const exited = waitForExit(child, 5_000);
      child.kill('SIGTERM');
      expect(await exited, output.join('')).toEqual({ code: 0, signal: null });
      expect(output.join('')).toContain('"msg":"closed"');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    // Everything the worker wrote lives under its prefix: removing that leaves nothing behind.
    const written = await keysWithPrefix(redis, prefix);
    if (written.length > 0) await redis.del(...written);
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  } finally {
    await redis.quit();
  }
}
