import { progressOf } from '@cellar/balancing';
import { DetectorError } from '@cellar/detector';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { mitigationSchema, mitigationShape, mitigationView } from './mitigation.view';
import { operatorOnly } from './operator-only';
import { progressSchema } from './rebalances.routes';

const TAGS = ['broker health'];
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const listQuery = z
  .strictObject({
    clusterId: z.string().min(1).max(64).optional(),
    brokerId: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
    state: z.enum(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ROLLED_BACK', 'FAILED', 'DRY_RUN', 'BLOCKED']).optional(),
    correlationId: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  });

const moveSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  kind: z.enum(['LEADERSHIP', 'REPLICA']),
  fromReplicas: z.array(z.number().int()),
  toReplicas: z.array(z.number().int()),
  state: z.enum(['PENDING', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FAILED']),
  error: z.string().nullable(),
});

/** What the degradation detector and operators decided about brokers, newest first, with evidence and outcome. */
export const mitigationsRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, { prisma }) => {
  app.addHook('onRequest', operatorOnly);

  app.get(
    '/v1/mitigations',
    {
      schema: {
        summary: 'Mitigations, newest first (filter by cluster, broker, state or correlation id)',
        tags: TAGS,
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(mitigationSchema.extend({ progress: progressSchema })) }).meta({ id: 'MitigationList' }), ...errors },
      },
    },
    async (request) => {
      const { clusterId, brokerId, state, correlationId, limit } = request.query;
      const rows = await prisma.mitigation.findMany({
        where: {
          ...(clusterId ? { physicalClusterId: clusterId } : {}),
          ...(brokerId !== undefined ? { nodeId: brokerId } : {}),
          ...(state ? { state } : {}),
          ...(correlationId ? { correlationId } : {}),
        },
        orderBy: { createdAt: 'desc' },
        take: limit,
      });
      const moves = await prisma.partitionMove.findMany({ where: { mitigationId: { in: rows.map((r) => r.id) } }, select: { mitigationId: true, state: true, bytes: true } });
      return { items: rows.map((row) => ({ ...mitigationView(row), progress: progressOf(moves.filter((m) => m.mitigationId === row.id)) })) };
    },
  );

  app.get(
    '/v1/mitigations/:mitigationId',
    {
      schema: {
        summary: 'One mitigation with its partition moves',
        tags: TAGS,
        params: z.object({ mitigationId: z.string().min(1).max(64) }),
        response: { 200: z.object({ ...mitigationShape, moves: z.array(moveSchema) }).meta({ id: 'MitigationWithMoves' }), ...errors },
      },
    },
    async (request) => {
      const row = await prisma.mitigation.findUnique({ where: { id: request.params.mitigationId } });
      if (!row) throw new DetectorError('mitigation_not_found', `No mitigation ${request.params.mitigationId}.`);
      const moves = await prisma.partitionMove.findMany({ where: { mitigationId: row.id }, orderBy: [{ topic: 'asc' }, { partition: 'asc' }] });
      return {
        ...mitigationView(row),
        moves: moves.map((m) => ({ topic: m.topic, partition: m.partition, kind: m.kind, fromReplicas: m.fromReplicas, toReplicas: m.toReplicas, state: m.state, error: m.error })),
      };
    },
  );
};
