import { describe, expect, it } from 'vitest';
import { buildTestApp, failingCheck, hangingCheck, passingCheck } from '../test-fixtures';

describe('health routes', () => {
  it('GET /healthz answers while the process is up, whatever the dependencies say', async () => {
    const app = await buildTestApp({ readinessChecks: [failingCheck('postgres', 'down')] });
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('GET /readyz answers 200 when every check passes', async () => {
    const app = await buildTestApp({ readinessChecks: [passingCheck('postgres'), passingCheck('redis')] });
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    await app.close();
  });

  it("GET /readyz answers 503 with each failing check's message", async () => {
    const app = await buildTestApp({
      readinessChecks: [passingCheck('postgres'), failingCheck('redis', 'connect ECONNREFUSED'), failingCheck('kafka', 'no brokers')],
    });
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not_ready',
      checks: { postgres: 'ok', redis: 'connect ECONNREFUSED', kafka: 'no brokers' },
    });
    await app.close();
  });

  it('GET /readyz times out a hanging check and aborts it', async () => {
    const hanging = hangingCheck('kafka');
    const app = await buildTestApp({ readinessChecks: [passingCheck('postgres'), hanging], readinessTimeoutMs: 50 });
    const started = Date.now();
    const response = await app.inject('/readyz');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ postgres: 'ok', kafka: 'timed out after 50 ms' });
    expect(hanging.aborted()).toBe(true);
    await app.close();
  });
});
