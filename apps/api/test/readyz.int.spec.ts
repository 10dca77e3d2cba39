import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { buildReadinessChecks } from '../src/readiness';
import { testConfig } from '../src/test-fixtures';

// The real PostgreSQL and Redis of the test environment; no mocks.
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on: bind an ephemeral one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function readyz(env: Record<string, string>) {
  const config = testConfig(env);
  const app = await buildApp(config, { readinessChecks: buildReadinessChecks(config), readinessTimeoutMs: 3_000 });
  try {
    return await app.inject('/readyz');
  } finally {
    await app.close();
  }
}

describe('GET /readyz against real dependencies', () => {
  it('answers 200 when PostgreSQL and Redis answer', async () => {
    const response = await readyz({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 503 naming redis when Redis is unreachable', async () => {
    const port = await closedPort();
    const response = await readyz({ DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.status).toBe('not_ready');
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).toMatch(new RegExp(`ECONNREFUSED.*${port}`));
  });

  it('answers 503 naming postgres when the database does not exist', async () => {
    const missingDatabase = new URL(databaseUrl);
    missingDatabase.pathname = `/cellar_missing_${process.pid}`;
    const response = await readyz({ DATABASE_URL: missingDatabase.toString(), REDIS_URL: redisUrl });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ postgres: expect.stringContaining('does not exist'), redis: 'ok' });
  });
});
