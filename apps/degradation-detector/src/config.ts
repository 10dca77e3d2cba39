import { parseConfig } from '@cellar/common';
import { AssessmentConfigSchema, HealthConfigSchema } from '@cellar/health';
import { commonWorkerSettings, metricsVariables, secretKeyVariable, workerEnvShape } from '@cellar/worker-runtime';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();
const unset = (value: unknown) => (value === '' ? undefined : value);
const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.preprocess(unset, z.string().optional()).transform((value, ctx): z.output<T> => {
    try {
      return schema.parse(value === undefined ? {} : JSON.parse(value));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof SyntaxError ? 'must be a JSON object' : (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * The degradation detector's environment. Thresholds and scores live in two JSON variables
 * validated by @cellar/health's schemas (see libs/health/README.md for every field).
 */
export const detectorConfigSchema = z
  .object({
    ...workerEnvShape,
    ...metricsVariables,
    CELLAR_SECRET_KEY: secretKeyVariable,
    /** How often every broker is probed and judged. */
    DETECTOR_ROUND_MS: positiveInt.default(3_000),
    DETECTOR_PROBE_TIMEOUT_MS: positiveInt.default(2_000),
    /** Produce-and-fetch canaries per broker per round; the round reports their medians. */
    DETECTOR_CANARIES_PER_ROUND: positiveInt.max(20).default(3),
    DETECTOR_SCRAPE_TIMEOUT_MS: positiveInt.default(2_000),
    /** Decide and record mitigations, apply none. */
    DETECTOR_DRY_RUN: z.preprocess(unset, z.enum(['true', 'false']).default('false')).transform((v) => v === 'true'),
    /** Brokers under an active detector mitigation at once, over all clusters. */
    DETECTOR_MAX_MITIGATED_BROKERS: positiveInt.default(2),
    DETECTOR_SAMPLE_RETENTION_HOURS: positiveInt.default(6),
    CELLAR_REPLICATION_THROTTLE_BYTES_PER_SECOND: positiveInt.default(10_000_000),
    DETECTOR_ASSESSMENT: jsonOf(AssessmentConfigSchema),
    DETECTOR_HEALTH: jsonOf(HealthConfigSchema),
    DETECTOR_WORKER_CONCURRENCY: positiveInt.default(4),
    /** Test-only: exit with 137 right after a mitigation of this kind records this step (`mitigate-demote:submit`). */
    CELLAR_FAULT_CRASH_AFTER_STEP: z.preprocess(unset, z.string().regex(/^mitigate-(demote|drain|restore):[a-z]+$/).optional()),
  })
  .transform((env) => ({
    ...commonWorkerSettings(env),
    concurrency: env.DETECTOR_WORKER_CONCURRENCY,
    faultCrashAfterStep: env.CELLAR_FAULT_CRASH_AFTER_STEP,
    settings: {
      roundIntervalMs: env.DETECTOR_ROUND_MS,
      probeTimeoutMs: env.DETECTOR_PROBE_TIMEOUT_MS,
      canariesPerRound: env.DETECTOR_CANARIES_PER_ROUND,
      scrapeTimeoutMs: env.DETECTOR_SCRAPE_TIMEOUT_MS,
      dryRun: env.DETECTOR_DRY_RUN,
      maxMitigatedBrokers: env.DETECTOR_MAX_MITIGATED_BROKERS,
      sampleRetentionMs: env.DETECTOR_SAMPLE_RETENTION_HOURS * 3_600_000,
      replicationThrottleBytesPerSecond: env.CELLAR_REPLICATION_THROTTLE_BYTES_PER_SECOND,
      assessment: env.DETECTOR_ASSESSMENT,
      health: env.DETECTOR_HEALTH,
    },
  }));

export type DetectorConfig = z.output<typeof detectorConfigSchema>;

export function parseDetectorConfig(env: Record<string, string | undefined>): DetectorConfig {
  return parseConfig(detectorConfigSchema, env);
}
