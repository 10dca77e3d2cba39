import type { Logger } from 'pino';
import type { z } from 'zod';

/** One job type: its name, the schema of its data, an idempotent handler and an optional schedule. */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly data: Schema;
  /** Runs every `everyMs` through an upserted job scheduler (never duplicated across processes). */
  readonly everyMs?: number;
  handle(data: z.output<Schema>, logger: Logger): Promise<void>;
}
