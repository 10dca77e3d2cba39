import { DetectorError } from '@cellar/detector';
import { HEALTH_STATES } from '@cellar/health';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { mitigationSchema, mitigationView } from './mitigation.view';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';

const TAGS = ['broker health'];
const healthState = z.enum(HEALTH_STATES);
const clusterParams = z.object({ id: z.string().min(1).max(64) });
const brokerParams = z.object({ id: z.string().min(1).max(64), brokerId: z.coerce.number().int().min(0).max(2_147_483_647) });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const transitionShape = {
    at: z.iso.datetime(),
    from: healthState,
    to: healthState,
    actor: z.string(),
    reason: z.string(),
    correlationId: z.string(),
    evidence: z.record(z.string(), z.unknown()).meta({ description: 'The verdict, scores and rule behind the change.' }),
};
const transitionSchema = z.object(transitionShape).meta({ id: 'BrokerHealthTransition' });

const sampleSchema = z
  .object({
    at: z.iso.datetime(),
    produceMs: z.number().nullable(),
    fetchMs: z.number().nullable(),
    requestMs: z.number().nullable(),
    probeError: z.string().nullable(),
    signals: z.record(z.string(), z.unknown()).nullable(),
    scrapeError: z.string().nullable(),
  })
  .meta({ id: 'BrokerSample' });

const brokerHealthSchema = z
  .object({
    brokerId: z.number().int(),
    rack: z.string().nullable(),
    cellId: z.string().nullable(),
    state: healthState,
    since: z.iso.datetime(),
    scores: z.record(z.string(), z.number()).meta({ description: 'Hysteresis scores per kind of trouble (+1 per flagged round, −1 per clean one).' }),
    latest: sampleSchema.nullable().meta({ description: "The last round's canaries and scraped signals." }),
    history: z.array(transitionSchema).meta({ description: 'Recent transitions, newest first.' }),
    mitigations: z.array(mitigationSchema).meta({ description: 'Recent mitigations of this broker, newest first.' }),
  })
  .meta({ id: 'BrokerHealth' });

const clusterHealthSchema = z
  .object({
    clusterId: z.string(),
    brokers: z.array(z.object({ brokerId: z.number().int(), cellId: z.string().nullable(), state: healthState, since: z.iso.datetime() })),
    recentTransitions: z.array(z.object({ brokerId: z.number().int(), ...transitionShape })),
  })
  .meta({ id: 'ClusterHealth' });

const overrideBody = z
  .strictObject({ note: z.string().min(1).max(500).optional().meta({ description: 'Why, for the audit trail.', example: 'disk replacement at 14:00' }) })
  .nullish()
  .meta({ id: 'BrokerOverride' });

const overrideAccepted = z
  .object({
    brokerId: z.number().int(),
    action: z.enum(['demote', 'drain', 'restore']),
    correlationId: z.string().meta({ description: 'Find the transition and mitigation with GET /v1/mitigations?correlationId=…' }),
    state: healthState.meta({ description: 'The state before the override is applied.' }),
  })
  .meta({ id: 'BrokerOverrideAccepted' });

/** The state an override leads to; asking for it when already there changes nothing (409). */
const TARGET = { demote: 'DEMOTED', drain: 'DRAINED', restore: 'HEALTHY' } as const;

/**
 * Broker health as the degradation detector sees it, and the operator's overrides. The API
 * only queues an override: the detector applies it through the state machine (one writer of
 * health state), records the transition with the operator as actor and runs its mitigation.
 */
export const brokerHealthRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma } = deps;
  app.addHook('onRequest', operatorOnly);

  const findBroker = async (clusterId: string, nodeId: number) => {
    const cluster = await prisma.physicalCluster.findUnique({ where: { id: clusterId }, select: { id: true } });
    if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${clusterId}.`);
    const broker = await prisma.broker.findFirst({ where: { clusterId, nodeId } });
    if (!broker) throw new TenancyError('broker_not_found', `Kafka cluster ${clusterId} has no broker ${nodeId}.`);
    return broker;
  };

  app.get(
    '/v1/kafka-clusters/:id/health',
    { schema: { summary: 'Health state of every broker of a Kafka cluster', tags: TAGS, params: clusterParams, response: { 200: clusterHealthSchema, ...errors } } },
    async (request) => {
      const cluster = await prisma.physicalCluster.findUnique({ where: { id: request.params.id }, select: { id: true } });
      if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${request.params.id}.`);
      const [brokers, transitions] = await Promise.all([
        prisma.broker.findMany({ where: { clusterId: cluster.id }, orderBy: { nodeId: 'asc' } }),
        prisma.brokerHealthTransition.findMany({ where: { physicalClusterId: cluster.id }, orderBy: { at: 'desc' }, take: 50 }),
      ]);
      return {
        clusterId: cluster.id,
        brokers: brokers.map((b) => ({ brokerId: b.nodeId, cellId: b.cellId, state: b.healthState, since: b.healthSince.toISOString() })),
        recentTransitions: transitions.map((t) => ({ brokerId: t.nodeId, ...transitionView(t) })),
      };
    },
  );

  app.get(
    '/v1/kafka-clusters/:id/brokers/:brokerId/health',
    { schema: { summary: "A broker's health: state, scores, last observation, transitions and mitigations", tags: TAGS, params: brokerParams, response: { 200: brokerHealthSchema, ...errors } } },
    async (request) => {
      const broker = await findBroker(request.params.id, request.params.brokerId);
      const where = { physicalClusterId: broker.clusterId, nodeId: broker.nodeId };
      const [latest, transitions, mitigations] = await Promise.all([
        prisma.brokerSample.findFirst({ where, orderBy: { at: 'desc' } }),
        prisma.brokerHealthTransition.findMany({ where, orderBy: { at: 'desc' }, take: 50 }),
        prisma.mitigation.findMany({ where, orderBy: { createdAt: 'desc' }, take: 10 }),
      ]);
      const memory = broker.healthMemory as { scores?: Record<string, number> } | null;
      return {
        brokerId: broker.nodeId,
        rack: broker.rack,
        cellId: broker.cellId,
        state: broker.healthState,
        since: broker.healthSince.toISOString(),
        scores: memory?.scores ?? {},
        latest: latest
          ? {
              at: latest.at.toISOString(),
              produceMs: latest.produceMs,
              fetchMs: latest.fetchMs,
              requestMs: latest.requestMs,
              probeError: latest.probeError,
              signals: (latest.signals as Record<string, unknown> | null) ?? null,
              scrapeError: latest.scrapeError,
            }
          : null,
        history: transitions.map(transitionView),
        mitigations: mitigations.map(mitigationView),
      };
    },
  );

  for (const action of ['demote', 'drain', 'restore'] as const) {
    app.post(
      `/v1/kafka-clusters/:id/brokers/:brokerId/${action}`,
      {
        schema: {
          summary: {
            demote: 'Move leadership off a broker and keep it off (asynchronous)',
            drain: 'Move every replica off a broker to others of its cell (asynchronous)',
            restore: 'Return a demoted, drained or degraded broker to service (asynchronous)',
          }[action],
          description:
            'Queued for the degradation detector, which records the transition (actor operator) and runs the mitigation. ' +
            'The per-cell and global mitigation caps do not apply to operators; min ISR and rack rules do. ' +
            '409 broker_override_not_applicable when the broker is already in the target state.',
          tags: TAGS,
          params: brokerParams,
          body: overrideBody,
          response: { 202: overrideAccepted, ...errors, 409: problemSchema },
        },
      },
      async (request, reply) => {
        const broker = await findBroker(request.params.id, request.params.brokerId);
        if (broker.healthState === TARGET[action]) {
          throw new DetectorError('broker_override_not_applicable', `Broker ${broker.nodeId} is already ${broker.healthState}.`, { details: { state: broker.healthState } });
        }
        const correlationId = request.id;
        const note = request.body?.note;
        await prisma.auditEvent.create({
          data: {
            correlationId,
            actor: OPERATOR_ACTOR,
            action: `broker.${action}.requested`,
            subjectType: 'broker',
            subjectId: `${broker.clusterId}/${broker.nodeId}`,
            clusterId: broker.clusterId,
            details: { state: broker.healthState, ...(note ? { note } : {}) },
          },
        });
        await deps.detectorJobs.override({ physicalClusterId: broker.clusterId, nodeId: broker.nodeId, action, correlationId, ...(note ? { note } : {}) });
        return reply.code(202).send({ brokerId: broker.nodeId, action, correlationId, state: broker.healthState });
      },
    );
  }
};

function transitionView(t: { at: Date; fromState: string; toState: string; actor: string; reason: string; correlationId: string; evidence: unknown }) {
  return {
    at: t.at.toISOString(),
    from: t.fromState as (typeof HEALTH_STATES)[number],
    to: t.toState as (typeof HEALTH_STATES)[number],
    actor: t.actor,
    reason: t.reason,
    correlationId: t.correlationId,
    evidence: (t.evidence ?? {}) as Record<string, unknown>,
  };
}
