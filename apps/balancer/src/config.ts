import { parseConfig } from '@cellar/common';
import { workerConfigSchema } from '@cellar/worker-runtime';
import type { z } from 'zod';

/** The balancer environment, parsed once at start (the shared worker variables for now). */
export const balancerConfigSchema = workerConfigSchema;

export type BalancerConfig = z.output<typeof balancerConfigSchema>;

export function parseBalancerConfig(env: Record<string, string | undefined>): BalancerConfig {
  return parseConfig(balancerConfigSchema, env);
}
