import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

/** The queue of the tenancy reconcilers (provision, resize, delete, quarantine, usage). */
export const TENANCY_QUEUE = 'tenancy';

/** Jobs that act on one logical cluster. The row in PostgreSQL says what to do; the job only names it. */
export const LOGICAL_CLUSTER_JOBS = [
  'provision-logical-cluster',
  'resize-logical-cluster',
  'delete-logical-cluster',
  'quarantine-logical-cluster',
] as const;
export type LogicalClusterJobName = (typeof LOGICAL_CLUSTER_JOBS)[number];

export const logicalClusterJobData = z.object({
  logicalClusterId: z.string().min(1),
  /** The API request that asked for the change; carried into logs and audit events. */
  correlationId: z.string().min(1),
});
export type LogicalClusterJobData = z.infer<typeof logicalClusterJobData>;

/** How the API hands work to the tenancy workers. */
export interface TenancyJobs {
  /**
   * Enqueues a job for the logical cluster at `version` (its row's version after the
   * change): the job id is deterministic, so the same change is never queued twice.
   */
  enqueue(name: LogicalClusterJobName, data: LogicalClusterJobData, version: number): Promise<void>;
  close(): Promise<void>;
}

export function logicalClusterJobId(name: LogicalClusterJobName, logicalClusterId: string, version: number): string {
  return `${name}:${logicalClusterId}:v${version}`;
}

/** Jobs are retried with backoff: every handler is idempotent and resumes from the recorded step. */
export const LOGICAL_CLUSTER_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export function createTenancyJobs(redisUrl: string, prefix: string): TenancyJobs {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(TENANCY_QUEUE, { connection, prefix });
  return {
    async enqueue(name, data, version) {
      await queue.add(name, logicalClusterJobData.parse(data), { ...LOGICAL_CLUSTER_JOB_OPTIONS, jobId: logicalClusterJobId(name, data.logicalClusterId, version) });
    },
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}
