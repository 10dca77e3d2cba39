import { CellarError } from '@cellar/common';
import { checkCkuRange, checkResize, limitsFor, type CkuProfile } from '@cellar/ckus';
import { encryptSecret, type LogicalCluster } from '@cellar/db';
import { newLogicalClusterId, newSecret, TenancyError, topicPrefixFor, type LogicalClusterJobName } from '@cellar/tenancy';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../plugins/auth.plugin';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { committedCkusByCell } from '../cell-capacity';
import { isUniqueViolation } from '../unique-violation';
import {
  actorOf,
  findVisibleLogicalCluster,
  lockFor,
  logicalClusterParams,
  partitionsUsed,
  requireReady,
  type VisibleLogicalCluster,
} from './logical-cluster.access';
import { chooseCell, readCellCapacityCkus, regionCells } from './logical-cluster.placement';
import { throughputOf } from './usage.view';

const TAGS = ['logical clusters'];

export const logicalClusterNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens, starting with a letter or digit')
  .meta({ example: 'orders-prod' });

export const limitsSchema = z
  .object({
    ckus: z.number().int(),
    ingressBytesPerSecond: z.number().int(),
    egressBytesPerSecond: z.number().int(),
    connections: z.number().int(),
    requestsPerSecond: z.number().int(),
    partitions: z.number().int(),
    connectionAttemptsPerSecond: z.number().int(),
  })
  .meta({
    id: 'LogicalClusterLimits',
    description: 'CKUs x the per-CKU profile; rates in bytes/s (MB = 1,000,000 bytes), partitions before replication.',
  });

const exampleLimits = {
  ckus: 2,
  ingressBytesPerSecond: 120_000_000,
  egressBytesPerSecond: 360_000_000,
  connections: 36_000,
  requestsPerSecond: 30_000,
  partitions: 9_000,
  connectionAttemptsPerSecond: 1_000,
};

const exampleLogicalCluster = {
  id: 'lkc-7f3k2q',
  name: 'orders-prod',
  tenantId: 'cmb1q2w3e0000tenant00001',
  status: 'READY' as const,
  ckus: 2,
  region: 'eu-west-1',
  physicalClusterId: 'cmb1q2w3e0000cluster0001',
  cellId: 'cmb1q2w3e0000cell0000001',
  bootstrapServers: ['kafka-1.eu-west-1.example.net:9092'],
  topicPrefix: 'lkc-7f3k2q.',
  limits: exampleLimits,
  provisioningStep: null,
  failureReason: null,
  quarantined: false,
  createdAt: '2026-05-01T09:30:00.000Z',
  updatedAt: '2026-05-01T09:30:04.000Z',
};

export const logicalClusterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenantId: z.string(),
    status: z.enum(['PROVISIONING', 'READY', 'UPDATING', 'DELETING', 'FAILED']),
    ckus: z.number().int(),
    region: z.string(),
    physicalClusterId: z.string(),
    cellId: z.string(),
    bootstrapServers: z.array(z.string()).meta({ description: 'Where Kafka clients connect, with an API key as SASL/SCRAM-SHA-512 user.' }),
    topicPrefix: z.string().meta({ description: 'Every topic, consumer group and transactional id of the cluster starts with it.' }),
    limits: limitsSchema,
    provisioningStep: z.string().nullable().meta({ description: 'The step the running job reached.' }),
    failureReason: z.string().nullable(),
    quarantined: z.boolean().meta({ description: 'An operator moved the cluster into the quarantine cell.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'LogicalCluster', examples: [exampleLogicalCluster] });
export type LogicalClusterView = z.infer<typeof logicalClusterSchema>;

const createBody = z
  .strictObject({
    name: logicalClusterNameSchema,
    // The range is the CKU profile's, checked in the handler (422 ckus_out_of_range), not here.
    ckus: z.number().int().meta({ description: "Capacity in CKUs, within the operator's profile range.", example: 2 }),
    region: z.string().min(1).max(64).meta({ example: 'eu-west-1' }),
    tenantId: z.string().min(1).max(64).optional().meta({ description: 'Operators only: the tenant the cluster is for.' }),
  })
  .meta({ id: 'CreateLogicalCluster', examples: [{ name: 'orders-prod', ckus: 2, region: 'eu-west-1' }] });

const resizeBody = z.strictObject({ ckus: z.number().int().meta({ description: "The new size, within the operator's profile range.", example: 4 }) }).meta({ id: 'ResizeLogicalCluster', examples: [{ ckus: 4 }] });

const listQuery = z.strictObject({
  tenantId: z.string().min(1).max(64).optional().meta({ description: "Operators: only this tenant's clusters." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional().meta({ description: 'nextCursor of the previous page.' }),
});

const listSchema = z
  .object({
    items: z.array(logicalClusterSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as ?cursor= for the next page; null on the last page.' }),
  })
  .meta({ id: 'LogicalClusterList' });

const usageSchema = z
  .object({
    logicalClusterId: z.string(),
    at: z.iso.datetime().nullable().meta({ description: 'Time of the latest broker-metrics sample; null before the first.' }),
    throughput: z
      .object({ ingressBytesPerSecond: z.number(), egressBytesPerSecond: z.number() })
      .nullable()
      .meta({ description: 'Rates between the latest two samples; null until there are two.' }),
    totals: z.object({ bytesIn: z.number(), bytesOut: z.number() }).meta({ description: "Cumulative bytes into and out of the cluster's topics, as brokers count them." }),
    partitions: z.object({ used: z.number().int(), limit: z.number().int() }),
    apiKeys: z.object({ active: z.number().int(), limit: z.number().int() }),
    limits: limitsSchema,
  })
  .meta({
    id: 'LogicalClusterUsage',
    examples: [
      {
        logicalClusterId: 'lkc-7f3k2q',
        at: '2026-05-01T10:00:00.000Z',
        throughput: { ingressBytesPerSecond: 5_200_000, egressBytesPerSecond: 15_100_000 },
        totals: { bytesIn: 8_123_456_789, bytesOut: 24_001_002_003 },
        partitions: { used: 48, limit: 9_000 },
        apiKeys: { active: 2, limit: 10 },
        limits: exampleLimits,
      },
    ],
  });

/** How many API keys one logical cluster may have at a time. */
export const API_KEYS_PER_LOGICAL_CLUSTER = 10;

export function logicalClusterView(row: VisibleLogicalCluster, profile: CkuProfile): LogicalClusterView {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenantId,
    status: row.status === 'DELETED' ? 'DELETING' : row.status,
    ckus: row.ckus,
    region: row.region,
    physicalClusterId: row.physicalClusterId,
    cellId: row.cellId,
    bootstrapServers: row.physicalCluster.bootstrapServers,
    topicPrefix: row.topicPrefix,
    limits: limitsFor(profile, row.ckus),
    provisioningStep: row.provisioningStep,
    failureReason: row.failureReason,
    quarantined: row.quarantinedAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function encodeCursor(row: Pick<LogicalCluster, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const at = new Date(String(createdAt));
    if (typeof id === 'string' && !Number.isNaN(at.getTime())) return { createdAt: at, id };
  } catch {
    // falls through to the error below
  }
  throw new CellarError('validation_failed', 'The cursor is not one this API handed out.', {
    status: 400,
    details: { errors: [{ in: 'querystring', path: 'cursor', message: 'is not a valid cursor' }] },
  });
}

/**
 * The row is the source of truth: if the queue is down, the worker's reconciler re-enqueues
 * clusters stuck in a transitional status, so a failed enqueue is logged, not answered as an error.
 */
async function enqueue(deps: TenancyDeps, log: FastifyBaseLogger, name: LogicalClusterJobName, logicalClusterId: string, correlationId: string, version: number) {
  try {
    await deps.jobs.enqueue(name, { logicalClusterId, correlationId }, version);
  } catch (error) {
    log.warn({ err: error, job: name, logicalClusterId }, 'could not enqueue the job; the reconciler will pick the cluster up');
  }
}

const notFound = { 404: problemSchema };
const common4xx = { 400: problemSchema, 401: problemSchema, 403: problemSchema };

export const logicalClustersRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma, ckuProfile } = deps;

  app.post(
    '/v1/logical-clusters',
    {
      schema: {
        summary: 'Create a logical cluster (asynchronous: poll until READY)',
        description:
          'Places the cluster in a cell of an ACTIVE Kafka cluster of the region (two random candidate cells, the lighter wins) and starts provisioning: ' +
          'a SCRAM user, PREFIXED ACLs on the topic prefix and CKU quotas. Operators must name the tenant.',
        tags: TAGS,
        body: createBody,
        response: { 202: logicalClusterSchema, ...common4xx, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { name, ckus, region } = request.body;
      let tenantId: string;
      if (principal.kind === 'tenant') {
        if (request.body.tenantId !== undefined && request.body.tenantId !== principal.tenantId) {
          throw new CellarError('forbidden', 'Only operators may create logical clusters for another tenant.', { status: 403 });
        }
        tenantId = principal.tenantId;
      } else {
        if (request.body.tenantId === undefined) {
          throw new CellarError('validation_failed', 'Operators must name the tenant the logical cluster is for.', {
            status: 400,
            details: { errors: [{ in: 'body', path: 'tenantId', message: 'is required for operators' }] },
          });
        }
        tenantId = request.body.tenantId;
        const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
        if (!tenant) throw new TenancyError('tenant_not_found', `No tenant ${tenantId}.`);
      }
      checkCkuRange(ckuProfile, ckus);
      if (await prisma.logicalCluster.findFirst({ where: { tenantId, name, deletedAt: null }, select: { id: true } })) {
        throw nameTaken(name);
      }

      const id = newLogicalClusterId();
      const placement = chooseCell(region, await regionCells(prisma, region), ckus, id);
      const principalPasswordEncrypted = encryptSecret(newSecret(), deps.secretKey);
      let row: VisibleLogicalCluster;
      try {
        row = await prisma.$transaction(async (tx) => {
          await lockFor(tx, `cell:${placement.cellId}`);
          const committed = (await committedCkusByCell(tx, { cellIds: [placement.cellId] })).get(placement.cellId) ?? 0;
          const capacity = await readCellCapacityCkus(tx, placement.cellId);
          if (committed + ckus > capacity) {
            // Another request took the room between placement and now.
            throw new TenancyError('no_capacity', `The chosen cell no longer has room for ${ckus} CKUs; try again.`, {
              details: { region, requestedCkus: ckus, freeCkus: Math.max(0, capacity - committed) },
            });
          }
          const created = await tx.logicalCluster.create({
            data: {
              id,
              tenantId,
              name,
              ckus,
              region,
              physicalClusterId: placement.physicalClusterId,
              cellId: placement.cellId,
              topicPrefix: topicPrefixFor(id),
              principalPasswordEncrypted,
              correlationId: request.id,
            },
            include: { physicalCluster: { select: { bootstrapServers: true } } },
          });
          await tx.auditEvent.create({
            data: {
              correlationId: request.id,
              actor: actorOf(principal),
              action: 'logical-cluster.create',
              subjectType: 'logical-cluster',
              subjectId: id,
              clusterId: placement.physicalClusterId,
              details: { name, ckus, region, tenantId, cellId: placement.cellId, utilisationAfter: placement.utilisationAfter, candidates: placement.candidates.map((c) => ({
                  physicalClusterId: c.physicalClusterId,
                  cellId: c.cellId,
                  utilisationAfter: c.utilisationAfter,
                  freeCkusAfter: c.freeCkusAfter,
                })),
              },
            },
          });
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(name);
        throw error;
      }
      await enqueue(deps, request.log, 'provision-logical-cluster', id, request.id, row.version);
      return reply.status(202).send(logicalClusterView(row, ckuProfile));
    },
  );

  app.get(
    '/v1/logical-clusters',
    {
      schema: {
        summary: 'List logical clusters (a tenant its own; an operator all, or one tenant’s)',
        tags: TAGS,
        querystring: listQuery,
        response: { 200: listSchema, ...common4xx },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { limit, cursor, tenantId } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const ownerFilter = principal.kind === 'tenant' ? principal.tenantId : tenantId;
      // A tenant asking for someone else's clusters sees none, as if that tenant had none.
      const foreign = principal.kind === 'tenant' && tenantId !== undefined && tenantId !== principal.tenantId;
      const rows = foreign
        ? []
        : await prisma.logicalCluster.findMany({
            where: {
              deletedAt: null,
              status: { not: 'DELETED' },
              ...(ownerFilter !== undefined ? { tenantId: ownerFilter } : {}),
              ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
            },
            include: { physicalCluster: { select: { bootstrapServers: true } } },
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            take: limit + 1,
          });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => logicalClusterView(row, ckuProfile)),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
  );

  app.get(
    '/v1/logical-clusters/:id',
    {
      schema: {
        summary: 'One logical cluster: status, cell, bootstrap servers, topic prefix, limits',
        tags: TAGS,
        params: logicalClusterParams,
        response: { 200: logicalClusterSchema, ...common4xx, ...notFound },
      },
    },
    async (request) => logicalClusterView(await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id), ckuProfile),
  );

  app.patch(
    '/v1/logical-clusters/:id',
    {
      schema: {
        summary: 'Resize a logical cluster (asynchronous: the quotas follow)',
        description:
          'Growing needs room in the cell (409 no_capacity); shrinking below the partitions in use is refused (409 resize_below_usage). ' +
          'The cluster is UPDATING until its quotas are reapplied.',
        tags: TAGS,
        params: logicalClusterParams,
        body: resizeBody,
        response: { 202: logicalClusterSchema, ...common4xx, ...notFound, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const current = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      requireReady(current);
      const toCkus = request.body.ckus;
      const decision = checkResize(ckuProfile, {
        fromCkus: current.ckus,
        toCkus,
        usage: { partitions: await partitionsUsed(prisma, current.id) },
      });
      if (decision.direction === 'unchanged') return reply.status(202).send(logicalClusterView(current, ckuProfile));

      const updated = await prisma.$transaction(async (tx) => {
        if (decision.direction === 'grow') {
          await lockFor(tx, `cell:${current.cellId}`);
          const committed = (await committedCkusByCell(tx, { cellIds: [current.cellId] })).get(current.cellId) ?? 0;
          const capacity = await readCellCapacityCkus(tx, current.cellId);
          const freeCkus = capacity - committed;
          if (toCkus - current.ckus > freeCkus) {
            throw new TenancyError('no_capacity', `The cell has ${Math.max(0, freeCkus)} CKUs free; growing from ${current.ckus} to ${toCkus} needs ${toCkus - current.ckus}.`, {
              details: { fromCkus: current.ckus, toCkus, freeCkus: Math.max(0, freeCkus) },
            });
          }
        }
        const { count } = await tx.logicalCluster.updateMany({
          where: { id: current.id, version: current.version, status: 'READY' },
          data: { ckus: toCkus, status: 'UPDATING', provisioningStep: null, correlationId: request.id, version: { increment: 1 } },
        });
        if (count === 0) throw concurrentChange(current.id);
        await tx.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'logical-cluster.resize',
            subjectType: 'logical-cluster',
            subjectId: current.id,
            clusterId: current.physicalClusterId,
            details: { fromCkus: current.ckus, toCkus },
          },
        });
        return tx.logicalCluster.findUniqueOrThrow({ where: { id: current.id }, include: { physicalCluster: { select: { bootstrapServers: true } } } });
      });
      await enqueue(deps, request.log, 'resize-logical-cluster', updated.id, request.id, updated.version);
      return reply.status(202).send(logicalClusterView(updated, ckuProfile));
    },
  );

  app.delete(
    '/v1/logical-clusters/:id',
    {
      schema: {
        summary: 'Delete a logical cluster and everything it made on Kafka (asynchronous)',
        description: 'Topics, API-key users, the service principal, its ACLs and quotas are removed; then the cluster answers 404.',
        tags: TAGS,
        params: logicalClusterParams,
        response: { 202: logicalClusterSchema, ...common4xx, ...notFound, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const current = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      // Deleting twice is answered like the first time; the job already runs.
      if (current.status === 'DELETING') return reply.status(202).send(logicalClusterView(current, ckuProfile));
      if (current.status !== 'READY' && current.status !== 'FAILED') requireReady(current);

      const updated = await prisma.$transaction(async (tx) => {
        const { count } = await tx.logicalCluster.updateMany({
          where: { id: current.id, version: current.version, status: current.status },
          data: { status: 'DELETING', provisioningStep: null, correlationId: request.id, version: { increment: 1 } },
        });
        if (count === 0) throw concurrentChange(current.id);
        await tx.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'logical-cluster.delete',
            subjectType: 'logical-cluster',
            subjectId: current.id,
            clusterId: current.physicalClusterId,
            details: { name: current.name, ckus: current.ckus },
          },
        });
        return tx.logicalCluster.findUniqueOrThrow({ where: { id: current.id }, include: { physicalCluster: { select: { bootstrapServers: true } } } });
      });
      await enqueue(deps, request.log, 'delete-logical-cluster', updated.id, request.id, updated.version);
      return reply.status(202).send(logicalClusterView(updated, ckuProfile));
    },
  );

  app.get(
    '/v1/logical-clusters/:id/usage',
    {
      schema: {
        summary: 'Usage against limits: throughput from broker metrics, partitions, API keys',
        tags: TAGS,
        params: logicalClusterParams,
        response: { 200: usageSchema, ...common4xx, ...notFound },
      },
    },
    async (request) => {
      const row = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const limits = limitsFor(ckuProfile, row.ckus);
      const [samples, used, activeKeys] = await Promise.all([
        prisma.usageSample.findMany({ where: { logicalClusterId: row.id }, orderBy: { at: 'desc' }, take: 2 }),
        partitionsUsed(prisma, row.id),
        prisma.credential.count({ where: { logicalClusterId: row.id, status: 'ACTIVE' } }),
      ]);
      const [latest] = samples;
      return {
        logicalClusterId: row.id,
        at: latest ? latest.at.toISOString() : null,
        throughput: throughputOf(samples),
        totals: { bytesIn: latest ? Number(latest.bytesIn) : 0, bytesOut: latest ? Number(latest.bytesOut) : 0 },
        partitions: { used, limit: limits.partitions },
        apiKeys: { active: activeKeys, limit: API_KEYS_PER_LOGICAL_CLUSTER },
        limits,
      };
    },
  );
};

function nameTaken(name: string): TenancyError {
  return new TenancyError('logical_cluster_name_taken', `You already have a logical cluster named ${name}.`, { details: { name } });
}

function concurrentChange(id: string): TenancyError {
  return new TenancyError('logical_cluster_busy', `Logical cluster ${id} changed while this request ran; read it again and retry.`);
}
