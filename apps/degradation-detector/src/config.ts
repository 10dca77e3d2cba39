import { parseConfig } from '@cellar/common';
import { workerConfigSchema } from '@cellar/worker-runtime';
import type { z } from 'zod';

/** The degradation-detector environment, parsed once at start (the shared worker variables for now). */
export const detectorConfigSchema = workerConfigSchema;

export type DetectorConfig = z.output<typeof detectorConfigSchema>;

export function parseDetectorConfig(env: Record<string, string | undefined>): DetectorConfig {
  return parseConfig(detectorConfigSchema, env);
}
