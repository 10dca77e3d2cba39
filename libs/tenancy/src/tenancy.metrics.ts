import { Counter, Histogram, type Registry } from 'prom-client';

/** How a tenancy job run ended. */
export type TenancyJobOutcome = 'completed' | 'skipped' | 'retry' | 'failed';

export interface TenancyMetrics {
  jobs: Counter<'job' | 'outcome'>;
  jobDuration: Histogram<'job'>;
  partitionMoves: Counter<'reason' | 'state'>;
}

/**
 * The tenancy workers' metrics, registered in the app's registry (never the global one).
 * Labels are bounded: job names, outcomes, move reasons and states; never a logical cluster,
 * topic or job id.
 */
export function createTenancyMetrics(registry: Registry): TenancyMetrics {
  const registers = [registry];
  return {
    jobs: new Counter({
      name: 'cellar_tenancy_jobs_total',
      help: 'Tenancy job runs by job and outcome (completed, skipped: nothing left to do, retry: failed and will run again, failed: gave up).',
      labelNames: ['job', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'cellar_tenancy_job_duration_seconds',
      help: 'Wall time of one tenancy job run, whatever its outcome.',
      labelNames: ['job'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    partitionMoves: new Counter({
      name: 'cellar_partition_moves_total',
      help: 'Partition reassignments by reason and the state they reached (pending: planned, in_progress: submitted to Kafka, done).',
      labelNames: ['reason', 'state'] as const,
      registers,
    }),
  };
}
