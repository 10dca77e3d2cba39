import type { Logger } from 'pino';
import type { z } from 'zod';

/** What a handler may know about the run it is in (retries, last attempt). */
export interface JobRun {
  jobId: string | undefined;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  /** The job's `attempts` option: the run with attempt === maxAttempts is the last one. */
  maxAttempts: number;
}

/** One job type: its name, the schema of its data, an idempotent handler and an optional schedule. */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly data: Schema;
  /** Runs every `everyMs` through an upserted job scheduler (never duplicated across processes). */
  readonly everyMs?: number;
  /** The data each scheduled run gets (default `{}`); it must satisfy `data`. */
  readonly scheduleData?: z.input<Schema>;
  handle(data: z.output<Schema>, logger: Logger, run: JobRun): Promise<void>;
}
