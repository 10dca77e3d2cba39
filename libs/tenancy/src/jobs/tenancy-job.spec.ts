import { CellsError } from '@cellar/cells';
import { KafkaAdapterError } from '@cellar/kafka-adapter';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TenancyError } from '../tenancy.error';
import { createTenancyMetrics } from '../tenancy.metrics';
import { isPermanent, measured } from './tenancy-job';

describe('isPermanent', () => {
  it('gives up on what retrying cannot fix', () => {
    expect(isPermanent(new UnrecoverableError('gone'))).toBe(true);
    expect(isPermanent(new CellsError('replication_factor_too_large', 'rf 4 in a cell of 3'))).toBe(true);
    expect(isPermanent(new KafkaAdapterError('kafka_invalid_config', 'bad', false))).toBe(true);
  });
  it('retries what may pass', () => {
    expect(isPermanent(new KafkaAdapterError('kafka_unreachable', 'down', true))).toBe(false);
    expect(isPermanent(new KafkaAdapterError('kafka_authorization_failed', 'no', false))).toBe(false);
    expect(isPermanent(new TenancyError('kafka_unavailable', 'later'))).toBe(false);
    expect(isPermanent(new Error('unknown'))).toBe(false);
  });
});

describe('measured', () => {
  const logger = pino({ level: 'silent' });
  const setup = () => {
    const registry = new Registry();
    return { registry, metrics: createTenancyMetrics(registry) };
  };
  const count = async (registry: Registry, outcome: string) =>
    (await registry.getSingleMetric('cellar_tenancy_jobs_total')!.get()).values.find((v) => v.labels['outcome'] === outcome)?.value ?? 0;

  it('counts a retry, and records the failure only on the last attempt', async () => {
    const { registry, metrics } = setup();
    const failures: unknown[] = [];
    const fail = () => Promise.reject(new KafkaAdapterError('kafka_unreachable', 'down', true));
    await expect(measured({ metrics }, 'j', { jobId: '1', attempt: 1, maxAttempts: 3 }, logger, fail, async (e) => void failures.push(e))).rejects.toThrow('down');
    expect(failures).toHaveLength(0);
    await expect(measured({ metrics }, 'j', { jobId: '1', attempt: 3, maxAttempts: 3 }, logger, fail, async (e) => void failures.push(e))).rejects.toThrow('down');
    expect(failures).toHaveLength(1);
    expect(await count(registry, 'retry')).toBe(1);
    expect(await count(registry, 'failed')).toBe(1);
  });

  it('turns a permanent error into an UnrecoverableError at once', async () => {
    const { registry, metrics } = setup();
    const run = measured({ metrics }, 'j', { jobId: '1', attempt: 1, maxAttempts: 20 }, logger, () => Promise.reject(new CellsError('replication_factor_too_large', 'rf')));
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await count(registry, 'failed')).toBe(1);
  });

  it('counts outcomes and durations', async () => {
    const { registry, metrics } = setup();
    await measured({ metrics }, 'j', { jobId: '1', attempt: 1, maxAttempts: 1 }, logger, async () => 'skipped');
    expect(await count(registry, 'skipped')).toBe(1);
    expect(await registry.metrics()).toContain('cellar_tenancy_job_duration_seconds_count{job="j"} 1');
  });
});
