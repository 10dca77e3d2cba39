import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

/** The balancer's queue (apps/balancer runs it). */
export const BALANCER_QUEUE = 'balancer';

export const clusterJobData = z.object({ physicalClusterId: z.string().min(1) });
export const planJobData = z.object({ planId: z.string().min(1) });

/** States in which a job will still run (or is running). */
const UNFINISHED = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

const JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * How the API and the balancer's own scheduler hand work to the balancer workers. Job ids
 * are deterministic (BullMQ allows custom ids of exactly three `:`-separated parts), so a
 * slot's sampling or round, or a plan's execution, is never queued twice.
 */
export interface BalancerJobs {
  /** Samples the cluster's load once for the time slot `slot` (skipped while the previous slot's sample still runs). */
  sampleLoad(physicalClusterId: string, slot: number): Promise<void>;
  /** Runs one balancing round for the time slot `slot`. */
  rebalanceRound(physicalClusterId: string, slot: number): Promise<void>;
  /** Executes a plan; a finished job of the same plan is replaced, a pending one kept. */
  executePlan(planId: string): Promise<'enqueued' | 'pending'>;
  close(): Promise<void>;
}

export function createBalancerJobs(redisUrl: string, prefix: string): BalancerJobs {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(BALANCER_QUEUE, { connection, prefix });
  const slotted = { ...JOB_OPTIONS, attempts: 1, removeOnComplete: { age: 600, count: 200 }, removeOnFail: { age: 3600, count: 200 } };
  return {
    async sampleLoad(physicalClusterId, slot) {
      // A scrape of a busy broker can outlast a slot: never pile samples of one cluster up.
      const previous = await queue.getJob(`sample-load:${physicalClusterId}:${slot - 1}`);
      if (previous && (UNFINISHED as readonly string[]).includes(await previous.getState())) return;
      await queue.add('sample-load', clusterJobData.parse({ physicalClusterId }), { ...slotted, jobId: `sample-load:${physicalClusterId}:${slot}` });
    },
    async rebalanceRound(physicalClusterId, slot) {
      await queue.add('rebalance-round', clusterJobData.parse({ physicalClusterId }), { ...slotted, jobId: `rebalance-round:${physicalClusterId}:${slot}` });
    },
    async executePlan(planId) {
      const jobId = `execute-plan:${planId}:run`;
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if ((UNFINISHED as readonly string[]).includes(state)) return 'pending';
        await existing.remove();
      }
      await queue.add('execute-plan', planJobData.parse({ planId }), { ...JOB_OPTIONS, jobId });
      return 'enqueued';
    },
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}
