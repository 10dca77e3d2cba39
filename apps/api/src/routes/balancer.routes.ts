import { balancerSettingsSchema, balancerSettingsUpdateSchema, loadBalancerSettings, settingsView, updateBalancerSettings } from '@cellar/balancing';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import { balancerMetricsPlugin } from './balancer-metrics';
import { balancingDepsFor, requireKafkaCluster, type BalancerRoutesOptions } from './balancer-routes.deps';
import { loadRoutes } from './load.routes';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';
import { rebalancesRoutes } from './rebalances.routes';

const TAGS = ['balancer'];
const params = z.object({ id: z.string().min(1).max(64) });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const settingsResponse = balancerSettingsSchema
  .extend({ imbalanceSince: z.iso.datetime().nullable().meta({ description: 'When the current imbalance was first seen over the trigger; null when balanced.' }), updatedAt: z.iso.datetime() })
  .meta({
    id: 'BalancerSettings',
    example: {
      enabled: true,
      goals: ['NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT'],
      triggerThresholdPct: 20,
      stopThresholdPct: 10,
      imbalanceDurationSeconds: 120,
      maxMovesPerRound: 10,
      maxConcurrentMovesPerBroker: 5,
      maxBytesInFlight: 10737418240,
      partitionCooldownSeconds: 3600,
      replicationThrottleBytesPerSecond: 52428800,
      loadHalfLifeSeconds: 300,
      roundIntervalSeconds: 60,
      brokerCapacity: { networkInBytesPerSecond: 125000000, networkOutBytesPerSecond: 125000000, diskBytes: 1000000000000 },
      imbalanceSince: null,
      updatedAt: '2026-05-01T10:00:00.000Z',
    },
  });

/**
 * The balancer's knobs per physical cluster (operators), and the load and rebalance routes
 * that share its deps: GET|PUT /v1/kafka-clusters/:id/balancer.
 */
export const balancerRoutes: FastifyPluginAsyncZod<BalancerRoutesOptions> = async (app, options) => {
  const { prisma } = options;
  const deps = balancingDepsFor(app, options);
  await app.register(balancerMetricsPlugin, { prisma });
  await app.register(loadRoutes, { ...options, balancing: deps });
  await app.register(rebalancesRoutes, { ...options, balancing: deps });

  await app.register(async (scope) => {
    scope.addHook('onRequest', operatorOnly);
    const typed = scope.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>();

    typed.get(
      '/v1/kafka-clusters/:id/balancer',
      { schema: { summary: "A Kafka cluster's balancer settings", description: 'Created with the defaults on first read.', tags: TAGS, params, response: { 200: settingsResponse, ...errors } } },
      async (request) => {
        await requireKafkaCluster(prisma, request.params.id);
        return view(await loadBalancerSettings(prisma, request.params.id));
      },
    );

    typed.put(
      '/v1/kafka-clusters/:id/balancer',
      {
        schema: {
          summary: "Change a Kafka cluster's balancer settings",
          description:
            'Any subset of the knobs; the others keep their values. stopThresholdPct must stay below triggerThresholdPct (hysteresis): ' +
            '422 balancer_settings_invalid. Goals are soft goals in priority order (hard goals always hold).',
          tags: TAGS,
          params,
          body: balancerSettingsUpdateSchema.meta({ id: 'BalancerSettingsUpdate', example: { enabled: true, triggerThresholdPct: 25, stopThresholdPct: 10 } }),
          response: { 200: settingsResponse, ...errors, 409: problemSchema, 422: problemSchema },
        },
      },
      async (request) => {
        await requireKafkaCluster(prisma, request.params.id);
        const row = await updateBalancerSettings(prisma, request.params.id, request.body);
        await prisma.auditEvent.create({
          data: { correlationId: request.id, actor: OPERATOR_ACTOR, action: 'balancer.settings.update', subjectType: 'kafka-cluster', subjectId: request.params.id, clusterId: request.params.id, details: request.body as object },
        });
        return view(row);
      },
    );
  });
};

function view(row: Awaited<ReturnType<typeof loadBalancerSettings>>) {
  return { ...settingsView(row), imbalanceSince: row.imbalanceSince?.toISOString() ?? null, updatedAt: row.updatedAt.toISOString() };
}
