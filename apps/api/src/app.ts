import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiConfig } from './config';
import { authPlugin, type ResolveTenantToken } from './plugins/auth.plugin';
import { dashboardPlugin } from './plugins/dashboard.plugin';
import { idempotencyPlugin } from './plugins/idempotency.plugin';
import { metricsPlugin } from './plugins/metrics.plugin';
import { openapiPlugin } from './plugins/openapi.plugin';
import { tenancyMetricsPlugin } from './plugins/tenancy-metrics.plugin';
import { problemDetailsPlugin } from './plugins/problem-details.plugin';
import { genRequestId, requestIdPlugin } from './plugins/request-id.plugin';
import type { ReadinessCheck } from './readiness';
import { DEFAULT_READINESS_TIMEOUT_MS, healthRoutes } from './routes/health.routes';
import { apiKeysRoutes } from './routes/api-keys.routes';
import { balancerRoutes } from './routes/balancer.routes';
import { brokerHealthRoutes } from './routes/broker-health.routes';
import { cellUsageRoutes } from './routes/cell-usage.routes';
import { mitigationsRoutes } from './routes/mitigations.routes';
import { kafkaClustersRoutes } from './routes/kafka-clusters.routes';
import { logicalClustersRoutes } from './routes/logical-clusters.routes';
import { quarantineRoutes } from './routes/quarantine.routes';
import { tenantsRoutes } from './routes/tenants.routes';
import { timelineRoutes } from './routes/timeline.routes';
import { topicsRoutes } from './routes/topics.routes';
import { whoamiRoutes } from './routes/whoami.routes';
import type { TenancyDeps } from './tenancy-deps';

/** What the app needs from outside: IO lives here so tests pass plain functions. */
export interface AppDeps {
  /** /readyz runs these; production passes buildReadinessChecks(config). */
  readinessChecks: readonly ReadinessCheck[];
  readinessTimeoutMs?: number;
  /** The process's pino logger; without one the app logs nothing (tests). */
  logger?: FastifyBaseLogger;
  /** Resolves tenant bearer tokens; until tenants exist only the operator token is accepted. */
  resolveTenantToken?: ResolveTenantToken;
  /** PostgreSQL, Kafka and the job queue behind the tenant and fleet routes; without it only health routes exist. */
  tenancy?: TenancyDeps;
}

/** Builds the API without listening, so tests can `inject()` requests. */
export async function buildApp(config: ApiConfig, deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
    genReqId: genRequestId,
    // genReqId reads the client's X-Request-Id / X-Correlation-Id itself.
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(requestIdPlugin);
  await app.register(problemDetailsPlugin);
  // Before any route, so every route lands in the OpenAPI document.
  await app.register(openapiPlugin);
  await app.register(authPlugin, {
    operatorToken: config.operatorToken,
    ...(deps.resolveTenantToken ? { resolveTenantToken: deps.resolveTenantToken } : {}),
  });
  if (deps.tenancy) await app.register(idempotencyPlugin, { prisma: deps.tenancy.prisma, secretKey: deps.tenancy.secretKey });
  await app.register(metricsPlugin);
  await app.register(dashboardPlugin);

  await app.register(healthRoutes, {
    checks: deps.readinessChecks,
    timeoutMs: deps.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
  });
  await app.register(whoamiRoutes);
  if (deps.tenancy) {
    await app.register(tenancyMetricsPlugin, { prisma: deps.tenancy.prisma });
    for (const routes of [tenantsRoutes, kafkaClustersRoutes, logicalClustersRoutes, topicsRoutes, apiKeysRoutes, quarantineRoutes, brokerHealthRoutes, mitigationsRoutes, timelineRoutes, cellUsageRoutes]) {
      await app.register(routes, deps.tenancy);
    }
    await app.register(balancerRoutes, { ...deps.tenancy, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix });
  }

  return app;
}

export type CellarApp = Awaited<ReturnType<typeof buildApp>>;
