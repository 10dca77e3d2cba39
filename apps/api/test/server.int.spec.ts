/**
 * The real entry point, as `npm run up` starts it: plain Node with tsx, no Vitest transform.
 * Guards against module-loading differences (for example CommonJS named exports) that
 * in-process `inject()` tests cannot see.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, testStack } from '@cellar/test-support';
import { describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, SECRET_KEY_BASE64 } from '../src/test-fixtures';
import { freePort } from './support/worker';

const stack = testStack();
const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('the API process', () => {
  it('starts from src/main.ts, reports ready against the real stack, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: appDir,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: stack.redisUrl,
        REDIS_PREFIX: `${stack.redisPrefix}:api-process`,
        CELLAR_OPERATOR_TOKEN: OPERATOR_TOKEN,
        CELLAR_SECRET_KEY: SECRET_KEY_BASE64,
        KAFKA_BOOTSTRAP_SERVERS: stack.kafka.bootstrapServers.join(','),
        KAFKA_ADMIN_USERNAME: stack.kafka.admin.username,
        KAFKA_ADMIN_PASSWORD: stack.kafka.admin.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const body = await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        return response.ok ? ((await response.json()) as unknown) : undefined;
      }, { timeoutMs: 60_000, what: 'the API to report ready' });
      expect(body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', kafka: 'ok' } });
      // Logs never carry the secrets it was given.
      expect(output).not.toContain(stack.kafka.admin.password);
      expect(output).not.toContain(OPERATOR_TOKEN);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
