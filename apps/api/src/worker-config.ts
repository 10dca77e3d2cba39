import { parseConfig } from '@cellar/common';
import { DEFAULT_CKU_PROFILE } from '@cellar/ckus';
import { DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND, LOGICAL_CLUSTER_JOBS } from '@cellar/tenancy';
import { commonWorkerSettings, metricsVariables, workerEnvShape } from '@cellar/worker-runtime';
import { z } from 'zod';
import { ckuProfileJson, optional, secretKey } from './config-fragments';

const positiveInt = z.coerce.number().int().positive();

const faultStep = z
  .string()
  .regex(/^[a-z-]+:[a-z]+$/, 'must be <job>:<step>, e.g. provision-logical-cluster:acls')
  .transform((value) => {
    const [job, step] = value.split(':') as [string, string];
    return { job, step };
  })
  .refine(({ job }) => (LOGICAL_CLUSTER_JOBS as readonly string[]).includes(job), { message: `the job must be one of ${LOGICAL_CLUSTER_JOBS.join(', ')}` });

/**
 * The tenancy worker's environment (`npm run worker -w @cellar/api`). The API and the worker
 * must agree on CELLAR_SECRET_KEY (principal passwords), CELLAR_CKU_PROFILE (quotas), and
 * REDIS_URL/REDIS_PREFIX (the queue).
 */
export const tenancyWorkerConfigSchema = z
  .object({
    ...workerEnvShape,
    CELLAR_SECRET_KEY: secretKey,
    CELLAR_CKU_PROFILE: optional(ckuProfileJson),
    /** leader/follower.replication.throttled.rate on the brokers a quarantine moves data between. */
    CELLAR_REPLICATION_THROTTLE_BYTES_PER_SECOND: positiveInt.default(DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND),
    /** Serves Prometheus /metrics on this port when set. */
    ...metricsVariables,
    /**
     * A crashed worker's job is taken over once its lock expires and a stalled check runs:
     * recovery takes up to lock + stalled interval. BullMQ's 30 s + 30 s is slow for jobs
     * that resume from a recorded step; a lock that lapses during a long pause only means
     * the job may run twice, which idempotent steps and compare-and-set writes allow.
     */
    TENANCY_WORKER_LOCK_MS: positiveInt.default(10_000),
    TENANCY_WORKER_STALLED_INTERVAL_MS: positiveInt.default(5_000),
    /** Stalls (a worker died mid-job) before BullMQ gives up on a job: high, since every job resumes. */
    TENANCY_WORKER_MAX_STALLED_COUNT: positiveInt.default(100),
    /** Jobs one process runs at once: a quarantine waiting on reassignments must not hold up provisioning. */
    TENANCY_WORKER_CONCURRENCY: positiveInt.default(4),
    /** How often a quarantine polls Kafka for its reassignments. */
    TENANCY_REASSIGNMENT_POLL_MS: positiveInt.default(1_000),
    /**
     * TEST-ONLY fault injection: `<job>:<step>` makes the process exit with code 137 (as if
     * SIGKILLed) right after that job records that step, so tests can prove a restarted worker
     * resumes. Never set it in production.
     */
    CELLAR_FAULT_CRASH_AFTER_STEP: optional(faultStep),
  })
  .transform((env) => ({
    ...commonWorkerSettings(env),
    ckuProfile: env.CELLAR_CKU_PROFILE ?? DEFAULT_CKU_PROFILE,
    replicationThrottleBytesPerSecond: env.CELLAR_REPLICATION_THROTTLE_BYTES_PER_SECOND,
    queue: {
      lockDurationMs: env.TENANCY_WORKER_LOCK_MS,
      stalledIntervalMs: env.TENANCY_WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: env.TENANCY_WORKER_MAX_STALLED_COUNT,
      concurrency: env.TENANCY_WORKER_CONCURRENCY,
    },
    reassignmentPollMs: env.TENANCY_REASSIGNMENT_POLL_MS,
    faultCrashAfterStep: env.CELLAR_FAULT_CRASH_AFTER_STEP,
  }));

export type TenancyWorkerConfig = z.output<typeof tenancyWorkerConfigSchema>;

export function parseTenancyWorkerConfig(env: Record<string, string | undefined>): TenancyWorkerConfig {
  return parseConfig(tenancyWorkerConfigSchema, env);
}
