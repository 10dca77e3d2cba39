import { parseConfig } from '@cellar/common';
import { commonWorkerSettings, metricsVariables, secretKeyVariable, workerEnvShape } from '@cellar/worker-runtime';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();
const unset = (value: unknown) => (value === '' ? undefined : value);

/**
 * The balancer's environment, parsed once at start. The knobs of balancing itself are per
 * cluster, in PostgreSQL (GET|PUT /v1/kafka-clusters/:id/balancer); these are the process's.
 */
export const balancerConfigSchema = z
  .object({
    ...workerEnvShape,
    ...metricsVariables,
    /** Decrypts the clusters' admin passwords (the API's key). */
    CELLAR_SECRET_KEY: secretKeyVariable,
    /** How often the balancer queues sampling and rounds for every cluster. */
    BALANCER_TICK_MS: positiveInt.default(5_000),
    /** How often each cluster's load is sampled (rates and EWMA are time-aware, any interval works). */
    BALANCER_SAMPLE_INTERVAL_MS: positiveInt.default(10_000),
    /** How long one broker's metrics page may take; the JMX exporter renders slowly on a busy broker. */
    BALANCER_SCRAPE_TIMEOUT_MS: positiveInt.default(15_000),
    BALANCER_LOAD_RETENTION_HOURS: positiveInt.default(24),
    BALANCER_REASSIGNMENT_POLL_MS: positiveInt.default(1_000),
    /** A crashed process's job is taken over after its lock expires and a stalled check runs. */
    BALANCER_WORKER_LOCK_MS: positiveInt.default(10_000),
    BALANCER_WORKER_STALLED_INTERVAL_MS: positiveInt.default(5_000),
    /** Sampling and rounds of several clusters, and plan executions waiting on Kafka, run side by side. */
    BALANCER_WORKER_CONCURRENCY: positiveInt.default(4),
    /** Test-only: exit with 137 right after a plan's execution reaches this step (`execute-plan:submitted`). */
    CELLAR_FAULT_CRASH_AFTER_STEP: z.preprocess(unset, z.string().regex(/^execute-plan:(submitted|batch-done)$/).optional()),
  })
  .transform((env) => ({
    ...commonWorkerSettings(env),
    tickMs: env.BALANCER_TICK_MS,
    sampleIntervalMs: env.BALANCER_SAMPLE_INTERVAL_MS,
    scrapeTimeoutMs: env.BALANCER_SCRAPE_TIMEOUT_MS,
    loadRetentionMs: env.BALANCER_LOAD_RETENTION_HOURS * 3_600_000,
    reassignmentPollMs: env.BALANCER_REASSIGNMENT_POLL_MS,
    queue: { lockDurationMs: env.BALANCER_WORKER_LOCK_MS, stalledIntervalMs: env.BALANCER_WORKER_STALLED_INTERVAL_MS, maxStalledCount: 100, concurrency: env.BALANCER_WORKER_CONCURRENCY },
    faultCrashAfterStep: env.CELLAR_FAULT_CRASH_AFTER_STEP,
  }));

export type BalancerConfig = z.output<typeof balancerConfigSchema>;

export function parseBalancerConfig(env: Record<string, string | undefined>): BalancerConfig {
  return parseConfig(balancerConfigSchema, env);
}
