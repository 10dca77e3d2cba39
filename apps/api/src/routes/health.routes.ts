import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReadinessCheck } from '../readiness';

export interface HealthRoutesOptions {
  checks: readonly ReadinessCheck[];
  /** How long one check may take before it counts as failed. */
  timeoutMs: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z
    .record(z.string(), z.string())
    .meta({ description: '"ok" per passing check; the failure message per failing one.' }),
});

/** Resolves to undefined when the check passed, or to why it failed. */
export async function runReadinessCheck(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(controller.signal), timeout]);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message === '' ? 'failed' : message;
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (`/healthz`, the process answers) and readiness (`/readyz`, its dependencies do). */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { checks, timeoutMs }) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['health'],
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        summary: 'Readiness: PostgreSQL, Redis (and Kafka, once wired) answer',
        tags: ['health'],
        security: [],
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (request, reply) => {
      const failures = await Promise.all(checks.map((check) => runReadinessCheck(check, timeoutMs)));
      const results: Record<string, string> = {};
      checks.forEach((check, index) => {
        results[check.name] = failures[index] ?? 'ok';
      });
      const ready = failures.every((failure) => failure === undefined);
      if (!ready) request.log.warn({ checks: results }, 'not ready');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
    },
  );
};
