import { TenancyError } from '@cellar/tenancy';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../plugins/auth.plugin';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { findVisibleLogicalCluster, logicalClusterParams, requireReady } from './logical-cluster.access';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';

const TAGS = ['quarantine'];

const quarantineAccepted = z
  .object({
    id: z.string(),
    status: z.literal('UPDATING'),
    cellId: z.string().meta({ description: 'The quarantine cell the cluster is moving into.' }),
    moves: z.null().meta({ description: 'Planned by the worker; see GET /v1/logical-clusters/{id}/partition-moves.' }),
  })
  .meta({ id: 'QuarantineAccepted', examples: [{ id: 'lkc-7f3k2q', status: 'UPDATING', cellId: 'cmb1q2w3e0000cell0000009', moves: null }] });

const partitionMoveSchema = z
  .object({
    id: z.string(),
    reason: z.enum(['QUARANTINE', 'REBALANCE', 'MITIGATION']),
    topic: z.string().meta({ description: 'The full Kafka topic name, prefix included.' }),
    partition: z.number().int(),
    fromReplicas: z.array(z.number().int()),
    toReplicas: z.array(z.number().int()).meta({ description: 'Target broker ids; the first is the preferred leader.' }),
    state: z.enum(['PENDING', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FAILED']),
    correlationId: z.string(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'PartitionMove' });

const partitionMoveList = z
  .object({ items: z.array(partitionMoveSchema) })
  .meta({
    id: 'PartitionMoveList',
    examples: [
      {
        items: [
          {
            id: 'cmb1q2w3e0000move00000001',
            reason: 'QUARANTINE',
            topic: 'lkc-7f3k2q.orders',
            partition: 0,
            fromReplicas: [1, 3, 5],
            toReplicas: [2, 4, 6],
            state: 'DONE',
            correlationId: 'req-9b1f0c',
            createdAt: '2026-05-01T10:00:00.000Z',
            startedAt: '2026-05-01T10:00:01.000Z',
            completedAt: '2026-05-01T10:00:09.000Z',
          },
        ],
      },
    ],
  });

const quarantineBody = z
  .strictObject({ reason: z.string().min(1).max(500).optional().meta({ description: 'Why, for the audit trail.', example: 'produce bursts starve cell-1' }) })
  .nullish()
  .meta({ id: 'QuarantineLogicalCluster' });

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/**
 * Operators move a noisy tenant into the cluster's quarantine cell. The API only records the
 * decision (new cell, UPDATING) and queues the job; the worker plans the partition moves,
 * throttles replication while they run, and marks the cluster quarantined when done.
 */
export const quarantineRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma, jobs } = deps;
  app.addHook('onRequest', operatorOnly);

  app.post(
    '/v1/logical-clusters/:id/quarantine',
    {
      schema: {
        summary: "Move a logical cluster into its Kafka cluster's quarantine cell (asynchronous)",
        description:
          'Every partition of the cluster moves into the quarantine cell, rack-aware, under a replication throttle. ' +
          'The cluster is UPDATING until the moves are done, then READY with quarantined: true. ' +
          '409 no_quarantine_cell, logical_cluster_already_quarantined, logical_cluster_busy.',
        tags: TAGS,
        params: logicalClusterParams,
        body: quarantineBody,
        response: { 202: quarantineAccepted, ...errors, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const current = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const currentCell = await prisma.cell.findUnique({ where: { id: current.cellId }, select: { quarantine: true } });
      if (current.quarantinedAt !== null || currentCell?.quarantine) {
        throw new TenancyError('logical_cluster_already_quarantined', `Logical cluster ${current.id} is already in the quarantine cell.`);
      }
      requireReady(current);
      const target = await prisma.cell.findFirst({
        where: { clusterId: current.physicalClusterId, quarantine: true },
        select: { id: true, _count: { select: { brokers: true } } },
      });
      if (!target || target._count.brokers === 0) {
        throw new TenancyError('no_quarantine_cell', `Kafka cluster ${current.physicalClusterId} has no quarantine cell with brokers.`, {
          details: { physicalClusterId: current.physicalClusterId },
        });
      }
      const version = await prisma.$transaction(async (tx) => {
        const { count } = await tx.logicalCluster.updateMany({
          where: { id: current.id, version: current.version, status: 'READY' },
          data: { cellId: target.id, status: 'UPDATING', provisioningStep: null, correlationId: request.id, version: { increment: 1 } },
        });
        if (count === 0) {
          throw new TenancyError('logical_cluster_busy', `Logical cluster ${current.id} changed while quarantining it; try again.`);
        }
        await tx.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: OPERATOR_ACTOR,
            action: 'logical-cluster.quarantine',
            subjectType: 'logical-cluster',
            subjectId: current.id,
            clusterId: current.physicalClusterId,
            details: { fromCellId: current.cellId, toCellId: target.id, ...(request.body?.reason ? { reason: request.body.reason } : {}) },
          },
        });
        return current.version + 1;
      });
      try {
        await jobs.enqueue('quarantine-logical-cluster', { logicalClusterId: current.id, correlationId: request.id }, version);
      } catch (error) {
        // The row is the source of truth: the worker's reconciler finds it UPDATING and queues the job.
        request.log.warn({ err: error, logicalClusterId: current.id }, 'could not enqueue the quarantine; the reconciler will pick it up');
      }
      return reply.status(202).send({ id: current.id, status: 'UPDATING' as const, cellId: target.id, moves: null });
    },
  );

  app.get(
    '/v1/logical-clusters/:id/partition-moves',
    {
      schema: {
        summary: "A logical cluster's partition moves (quarantine, rebalancing, mitigation), oldest first",
        tags: TAGS,
        params: logicalClusterParams,
        response: { 200: partitionMoveList, ...errors },
      },
    },
    async (request) => {
      const current = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const moves = await prisma.partitionMove.findMany({
        where: { logicalClusterId: current.id },
        orderBy: [{ createdAt: 'asc' }, { topic: 'asc' }, { partition: 'asc' }],
      });
      return {
        items: moves.map((m) => ({
          id: m.id,
          reason: m.reason,
          topic: m.topic,
          partition: m.partition,
          fromReplicas: m.fromReplicas,
          toReplicas: m.toReplicas,
          state: m.state,
          correlationId: m.correlationId,
          createdAt: m.createdAt.toISOString(),
          startedAt: m.startedAt?.toISOString() ?? null,
          completedAt: m.completedAt?.toISOString() ?? null,
        })),
      };
    },
  );
};
