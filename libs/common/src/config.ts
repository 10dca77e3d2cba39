import { z } from 'zod';

/** Thrown when the environment does not satisfy an app's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against an app's zod schema. Each problem names the
 * variable, so a bad value stops the process with a message an operator can act on.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(problems);
}

/** Like parseConfig, but prints one line per problem and exits: for process entry points. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, app: string): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`${app}: configuration error: ${problem}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Common fragments, so every app spells its shared variables the same way. */
export const configFragments = {
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  databaseUrl: z.string().url().default('postgresql://postgres@127.0.0.1:5432/cellar'),
  redisUrl: z.string().url().default('redis://127.0.0.1:6379'),
  redisPrefix: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('cellar'),
};
