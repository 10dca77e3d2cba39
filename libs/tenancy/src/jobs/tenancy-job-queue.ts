import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  LOGICAL_CLUSTER_JOB_OPTIONS,
  LOGICAL_CLUSTER_JOBS,
  logicalClusterJobData,
  logicalClusterJobId,
  TENANCY_QUEUE,
  type LogicalClusterJobData,
  type LogicalClusterJobName,
  type TenancyJobs,
} from '../tenancy-queue';

/** States in which a job will still run (or is running): the logical cluster has a job on its way. */
const UNFINISHED = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/** The tenancy queue as the workers use it: enqueue like the API, and see what is pending. */
export interface TenancyJobQueue extends TenancyJobs {
  /** Ids of the logical clusters that have a job waiting, delayed or running. */
  busyLogicalClusters(): Promise<Set<string>>;
  /**
   * Enqueues the job for the row's current `version`. A finished (completed or failed) job
   * holding the same deterministic id is removed first: BullMQ would otherwise treat the new
   * one as a duplicate and drop it. A job still on its way is left alone.
   */
  requeue(name: LogicalClusterJobName, data: LogicalClusterJobData, version: number): Promise<'enqueued' | 'pending'>;
}

export function createTenancyJobQueue(redisUrl: string, prefix: string): TenancyJobQueue {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(TENANCY_QUEUE, { connection, prefix });
  const add = (name: LogicalClusterJobName, data: LogicalClusterJobData, version: number) =>
    queue.add(name, logicalClusterJobData.parse(data), { ...LOGICAL_CLUSTER_JOB_OPTIONS, jobId: logicalClusterJobId(name, data.logicalClusterId, version) });
  const names = new Set<string>(LOGICAL_CLUSTER_JOBS);
  return {
    async enqueue(name, data, version) {
      await add(name, data, version);
    },
    async busyLogicalClusters() {
      const jobs = await queue.getJobs([...UNFINISHED]);
      const ids = new Set<string>();
      for (const job of jobs) {
        if (!job || !names.has(job.name)) continue;
        const parsed = logicalClusterJobData.safeParse(job.data);
        if (parsed.success) ids.add(parsed.data.logicalClusterId);
      }
      return ids;
    },
    async requeue(name, data, version) {
      const existing = await queue.getJob(logicalClusterJobId(name, data.logicalClusterId, version));
      if (existing) {
        const state = await existing.getState();
        if ((UNFINISHED as readonly string[]).includes(state)) return 'pending';
        await existing.remove();
      }
      await add(name, data, version);
      return 'enqueued';
    },
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}
