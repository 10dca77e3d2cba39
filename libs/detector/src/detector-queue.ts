import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

/** The degradation detector's queue: scheduled rounds, mitigations and operator overrides. */
export const DETECTOR_QUEUE = 'degradation-detector';

export const mitigateJobData = z.object({ mitigationId: z.string().min(1) });
export const operatorOverrideJobData = z.object({
  physicalClusterId: z.string().min(1),
  nodeId: z.number().int().nonnegative(),
  action: z.enum(['demote', 'drain', 'restore']),
  correlationId: z.string().min(1),
  note: z.string().max(500).optional(),
});
export type OperatorOverride = z.infer<typeof operatorOverrideJobData>;

/** Mitigations resume from their recorded step, so retrying is always safe. */
export const DETECTOR_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** How the API and the rounds hand work to detector workers. Job ids are deterministic: nothing is queued twice. */
export interface DetectorJobs {
  mitigate(mitigationId: string): Promise<void>;
  override(request: OperatorOverride): Promise<void>;
  close(): Promise<void>;
}

export function createDetectorJobs(redisUrl: string, prefix: string): DetectorJobs {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(DETECTOR_QUEUE, { connection, prefix });
  return {
    async mitigate(mitigationId) {
      await queue.add('mitigate', { mitigationId }, { ...DETECTOR_JOB_OPTIONS, jobId: `mitigate-${mitigationId}` });
    },
    async override(request) {
      await queue.add('operator-override', operatorOverrideJobData.parse(request), { ...DETECTOR_JOB_OPTIONS, jobId: `override-${request.correlationId}` });
    },
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}
