import { layoutCells, validateCells, type BrokerInfo, type CellSpec } from '@cellar/cells';
import { CellarError } from '@cellar/common';
import { encryptSecret, type Broker, type Prisma } from '@cellar/db';
import type { ClusterDescription } from '@cellar/kafka-adapter';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import {
  cellCapacities,
  cellView,
  cellViewSchema,
  kafkaClusterView,
  kafkaClusterViewSchema,
  loadKafkaClusterView,
} from './kafka-cluster.view';
import { OPERATOR_ACTOR, operatorOnly } from './operator-only';
import { cellCapacityCkus, committedCkusByCell } from '../cell-capacity';
import { uniqueViolation } from '../unique-violation';

const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-", starting with a letter or digit');

const hostPortSchema = z
  .string()
  .max(255)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, 'host:port');

const registerBodySchema = z
  .strictObject({
    name: slugSchema.meta({ description: 'Unique across physical clusters.' }),
    region: slugSchema.meta({ description: 'Logical clusters are placed on clusters of the region they ask for.' }),
    bootstrapServers: z.array(hostPortSchema).min(1).max(64).meta({ description: "The cluster's SASL/SCRAM listener." }),
    adminSasl: z
      .strictObject({
        mechanism: z.literal('SCRAM-SHA-512'),
        username: z.string().min(1).max(255),
        password: z.string().min(1).max(1024),
      })
      .optional()
      .meta({ description: 'A super user of the cluster. Required in practice: Cellar administers clusters through SASL/SCRAM only.' }),
    ckusPerBroker: z.int().min(1).max(1024).optional().meta({ description: 'What one broker hosts, in CKUs (default 4).' }),
    brokerMetrics: z
      .array(z.strictObject({ brokerId: z.int().min(0), url: z.url({ protocol: /^https?$/ }).max(2048) }))
      .max(1024)
      .optional()
      .meta({ description: "Each broker's Prometheus endpoint (JMX exporter), for usage and health." }),
  })
  .meta({
    id: 'RegisterKafkaCluster',
    example: {
      name: 'eu-west-1-a',
      region: 'eu-west-1',
      bootstrapServers: ['kafka-1.internal:9094', 'kafka-2.internal:9094'],
      adminSasl: { mechanism: 'SCRAM-SHA-512', username: 'admin', password: 'change-me' },
      ckusPerBroker: 4,
      brokerMetrics: [{ brokerId: 1, url: 'http://kafka-1.internal:9404/metrics' }],
    },
  });

const createCellBodySchema = z
  .strictObject({
    name: slugSchema.optional().meta({ description: 'Unique in the cluster; default `cell-<n>`.' }),
    brokerIds: z.array(z.int().min(0)).min(1).max(1024),
    quarantine: z.boolean().optional().meta({ description: 'At most one quarantine cell per cluster.' }),
  })
  .meta({ id: 'CreateCell', example: { name: 'cell-1', brokerIds: [1, 3, 5] } });

const layoutBodySchema = z
  .strictObject({
    cellCount: z.int().min(1).max(1024).optional(),
    brokersPerCell: z.int().min(1).max(1024).optional(),
    quarantine: z.boolean().optional().meta({ description: 'Mark the last cell as the quarantine cell.' }),
  })
  .meta({
    id: 'LayoutCells',
    description: 'Give at most one of cellCount and brokersPerCell; with neither, as many cells as the smallest rack has brokers.',
    example: { quarantine: true },
  });

const clusterParamsSchema = z.object({ id: z.string().min(1).max(64) });
const cellListSchema = z.object({ cells: z.array(cellViewSchema) }).meta({ id: 'CellList' });
const refreshResultSchema = z
  .object({
    cluster: kafkaClusterViewSchema,
    addedBrokerIds: z.array(z.int()).meta({ description: 'Brokers seen for the first time.' }),
    changedBrokerIds: z.array(z.int()).meta({ description: 'Brokers whose host, port or rack changed.' }),
    missingBrokerIds: z.array(z.int()).meta({ description: 'Known brokers Kafka no longer lists; they are kept.' }),
  })
  .meta({ id: 'KafkaClusterRefresh' });

function brokerInfos(brokers: readonly Pick<Broker, 'nodeId' | 'rack'>[]): BrokerInfo[] {
  // A broker without broker.rack counts as rack '', which layoutCells refuses with a clear message.
  return brokers.map((b) => ({ id: b.nodeId, rack: b.rack ?? '' }));
}

function audit(request: { id: string }, action: string, subjectType: string, subjectId: string, clusterId: string, details: Prisma.InputJsonObject) {
  return { correlationId: request.id, actor: OPERATOR_ACTOR, action, subjectType, subjectId, clusterId, details };
}

/** The smallest `cell-<n>` not used yet. */
function nextCellName(taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) if (!taken.has(`cell-${n}`)) return `cell-${n}`;
}

/**
 * Operator-only fleet routes: register a physical Kafka cluster (its brokers and racks are
 * discovered from Kafka itself), lay out or add cells, re-discover brokers.
 */
export const kafkaClustersRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma } = deps;
  app.addHook('onRequest', operatorOnly);

  async function describeNewCluster(body: z.infer<typeof registerBodySchema>): Promise<ClusterDescription> {
    const adminSasl = body.adminSasl ? { username: body.adminSasl.username, password: body.adminSasl.password } : null;
    const admin = deps.kafkaAdmins.connect({ bootstrapServers: body.bootstrapServers, adminSasl });
    try {
      return await admin.describeCluster();
    } catch (error) {
      const reason = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'kafka_error';
      throw new TenancyError('kafka_cluster_unreachable', `Cellar could not describe the cluster as ${adminSasl?.username ?? 'admin'} (${reason}).`, {
        details: { reason },
        cause: error,
      });
    } finally {
      await admin.close();
    }
  }

  app.post(
    '/v1/kafka-clusters',
    {
      schema: {
        summary: 'Register a physical Kafka cluster',
        description:
          'Connects as the admin user, discovers brokers and racks, and stores the cluster as ACTIVE. Nothing is stored when the cluster cannot be reached.',
        tags: ['fleet'],
        body: registerBodySchema,
        response: { 201: kafkaClusterViewSchema, 400: problemSchema, 403: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (await prisma.physicalCluster.findUnique({ where: { name: body.name }, select: { id: true } })) {
        throw new TenancyError('kafka_cluster_name_taken', `A Kafka cluster named ${body.name} is registered already.`, { details: { name: body.name } });
      }
      const metricsByBroker = new Map<number, string>();
      for (const { brokerId, url } of body.brokerMetrics ?? []) {
        if (metricsByBroker.has(brokerId)) throw fieldError(`brokerMetrics lists broker ${brokerId} twice.`, 'brokerMetrics');
        metricsByBroker.set(brokerId, url);
      }

      const description = await describeNewCluster(body);
      const known = await prisma.physicalCluster.findUnique({ where: { kafkaClusterId: description.clusterId }, select: { id: true } });
      if (known) throw alreadyRegistered(description.clusterId, known.id);
      const unknownMetrics = [...metricsByBroker.keys()].filter((id) => !description.brokers.some((b) => b.nodeId === id));
      if (unknownMetrics.length > 0) {
        throw fieldError(`brokerMetrics names brokers the cluster does not have: ${unknownMetrics.join(', ')}.`, 'brokerMetrics');
      }

      try {
        const created = await prisma.$transaction(async (tx) => {
          const cluster = await tx.physicalCluster.create({
            data: {
              name: body.name,
              region: body.region,
              bootstrapServers: body.bootstrapServers,
              ...(body.adminSasl
                ? {
                    adminSaslMechanism: 'SCRAM_SHA_512' as const,
                    adminSaslUsername: body.adminSasl.username,
                    adminSaslPasswordEncrypted: encryptSecret(body.adminSasl.password, deps.secretKey),
                  }
                : {}),
              status: 'ACTIVE',
              kafkaClusterId: description.clusterId,
              ...(body.ckusPerBroker !== undefined ? { ckusPerBroker: body.ckusPerBroker } : {}),
              brokers: {
                create: description.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack, metricsUrl: metricsByBroker.get(b.nodeId) ?? null })),
              },
            },
            include: { brokers: true, cells: true },
          });
          await tx.auditEvent.create({
            data: audit(request, 'kafka-cluster.register', 'kafka-cluster', cluster.id, cluster.id, {
              name: body.name,
              region: body.region,
              kafkaClusterId: description.clusterId,
              brokers: description.brokers.map((b) => ({ id: b.nodeId, rack: b.rack })),
            }),
          });
          return cluster;
        });
        return reply.status(201).send(kafkaClusterView(created, new Map()));
      } catch (error) {
        const clash = uniqueViolation(error);
        if (clash?.some((c) => c.includes('kafka_cluster_id') || c.includes('kafkaClusterId'))) {
          const winner = await prisma.physicalCluster.findUnique({ where: { kafkaClusterId: description.clusterId }, select: { id: true } });
          throw alreadyRegistered(description.clusterId, winner?.id ?? null);
        }
        if (clash) throw new TenancyError('kafka_cluster_name_taken', `A Kafka cluster named ${body.name} is registered already.`, { details: { name: body.name } });
        throw error;
      }
    },
  );

  app.get(
    '/v1/kafka-clusters',
    {
      schema: {
        summary: 'List physical Kafka clusters',
        tags: ['fleet'],
        response: { 200: z.object({ kafkaClusters: z.array(kafkaClusterViewSchema) }).meta({ id: 'KafkaClusterList' }), 403: problemSchema },
      },
    },
    async () => {
      const clusters = await prisma.physicalCluster.findMany({ include: { brokers: true, cells: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      const committed = await committedCkusByCell(prisma);
      return { kafkaClusters: clusters.map((cluster) => kafkaClusterView(cluster, committed)) };
    },
  );

  app.get(
    '/v1/kafka-clusters/:id',
    {
      schema: {
        summary: 'Read one physical Kafka cluster with its brokers and cells',
        tags: ['fleet'],
        params: clusterParamsSchema,
        response: { 200: kafkaClusterViewSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => loadKafkaClusterView(prisma, request.params.id),
  );

  app.get(
    '/v1/kafka-clusters/:id/cells',
    {
      schema: {
        summary: "A cluster's cells with capacity and committed CKUs",
        tags: ['fleet'],
        params: clusterParamsSchema,
        response: { 200: cellListSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => ({ cells: (await cellCapacities(prisma, request.params.id)).map(cellView) }),
  );

  app.post(
    '/v1/kafka-clusters/:id/cells',
    {
      schema: {
        summary: 'Add one cell',
        description:
          'The cell must span every rack of the cluster, and its brokers must be in no other cell. At most one cell per cluster is the quarantine cell.',
        tags: ['fleet'],
        params: clusterParamsSchema,
        body: createCellBodySchema,
        response: { 201: cellViewSchema, 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const clusterId = request.params.id;
      const { brokerIds, quarantine = false } = request.body;
      const cluster = await prisma.physicalCluster.findUnique({ where: { id: clusterId }, include: { brokers: true, cells: true } });
      if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${clusterId}.`);
      const name = request.body.name ?? nextCellName(new Set(cluster.cells.map((c) => c.name)));
      if (cluster.cells.some((c) => c.name === name)) {
        throw new TenancyError('cell_name_taken', `The cluster has a cell named ${name} already.`, { details: { name } });
      }

      // Cells are validated by name, so violations read "broker 3 is listed in cells cell-1 and cell-3".
      const specs: CellSpec[] = cluster.cells.map((cell) => ({
        id: cell.name,
        quarantine: cell.quarantine,
        brokerIds: cluster.brokers.filter((b) => b.cellId === cell.id).map((b) => b.nodeId),
      }));
      const violations = validateCells(brokerInfos(cluster.brokers), [...specs, { id: name, brokerIds, quarantine }]);
      const invalid = violations.filter((v) => v.cellId === name);
      if (invalid.length > 0) {
        throw new TenancyError('cell_invalid', `Invalid cell: ${invalid.map((v) => v.message).join('; ')}.`, { details: { violations: invalid } });
      }
      if (violations.some((v) => v.code === 'several_quarantine_cells')) throw quarantineExists(cluster.cells.find((c) => c.quarantine)?.id);

      try {
        const cell = await prisma.$transaction(async (tx) => {
          const created = await tx.cell.create({ data: { clusterId, name, quarantine } });
          await assignBrokers(tx, clusterId, created.id, brokerIds);
          await tx.auditEvent.create({ data: audit(request, 'cell.create', 'cell', created.id, clusterId, { name, brokerIds, quarantine }) });
          return created;
        });
        const brokerCount = new Set(brokerIds).size;
        return reply.status(201).send({
          id: cell.id,
          name: cell.name,
          quarantine: cell.quarantine,
          brokerIds: [...new Set(brokerIds)].sort((a, b) => a - b),
          capacityCkus: cellCapacityCkus(brokerCount, cluster.ckusPerBroker),
          committedCkus: 0,
        });
      } catch (error) {
        const clash = uniqueViolation(error);
        if (clash === undefined) throw error;
        // The (cluster, name) key or the partial index that allows one quarantine cell per cluster.
        const sameName = await prisma.cell.findUnique({ where: { clusterId_name: { clusterId, name } }, select: { id: true } });
        if (sameName) throw new TenancyError('cell_name_taken', `The cluster has a cell named ${name} already.`, { details: { name } });
        const other = await prisma.cell.findFirst({ where: { clusterId, quarantine: true }, select: { id: true } });
        throw quarantineExists(other?.id);
      }
    },
  );

  app.post(
    '/v1/kafka-clusters/:id/cells/layout',
    {
      schema: {
        summary: 'Lay out the default cells',
        description:
          'Splits the brokers into cells that each span every rack (cell-1, cell-2, ...). Only while the cluster has no cells.',
        tags: ['fleet'],
        params: clusterParamsSchema,
        body: layoutBodySchema,
        response: { 201: cellListSchema, 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const clusterId = request.params.id;
      const { cellCount, brokersPerCell, quarantine = false } = request.body;
      const cluster = await prisma.physicalCluster.findUnique({ where: { id: clusterId }, include: { brokers: true, cells: true } });
      if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${clusterId}.`);
      if (cluster.cells.length > 0) throw layoutExists(clusterId);
      const specs = layoutCells(brokerInfos(cluster.brokers), {
        ...(cellCount !== undefined ? { cellCount } : {}),
        ...(brokersPerCell !== undefined ? { brokersPerCell } : {}),
      });
      if (quarantine && specs.length < 2) {
        throw new TenancyError('cell_invalid', 'A quarantine cell needs at least one other cell for everyone else; lay out two or more cells.', {
          details: { cellCount: specs.length },
        });
      }

      try {
        await prisma.$transaction(async (tx) => {
          for (const [index, spec] of specs.entries()) {
            const cell = await tx.cell.create({ data: { clusterId, name: spec.id, quarantine: quarantine && index === specs.length - 1 } });
            await assignBrokers(tx, clusterId, cell.id, spec.brokerIds);
          }
          await tx.auditEvent.create({
            data: audit(request, 'cells.layout', 'kafka-cluster', clusterId, clusterId, {
              cells: specs.map((spec, index) => ({ name: spec.id, brokerIds: spec.brokerIds, quarantine: quarantine && index === specs.length - 1 })),
            }),
          });
        });
      } catch (error) {
        // A concurrent layout (or a cell added meanwhile) took a name or a broker first.
        if (uniqueViolation(error) !== undefined || (error instanceof TenancyError && error.code === 'cell_invalid')) throw layoutExists(clusterId);
        throw error;
      }
      return reply.status(201).send({ cells: (await cellCapacities(prisma, clusterId)).map(cellView) });
    },
  );

  app.post(
    '/v1/kafka-clusters/:id/refresh',
    {
      schema: {
        summary: 'Re-discover brokers',
        description:
          'Reads the brokers from Kafka again: new brokers are added (in no cell), changed hosts, ports and racks updated; brokers Kafka no longer lists are kept and reported.',
        tags: ['fleet'],
        params: clusterParamsSchema,
        response: { 200: refreshResultSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 502: problemSchema, 503: problemSchema },
      },
    },
    async (request) => {
      const clusterId = request.params.id;
      const cluster = await prisma.physicalCluster.findUnique({ where: { id: clusterId }, include: { brokers: true } });
      if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${clusterId}.`);
      const description = await (await deps.kafkaAdmins.forCluster(clusterId)).describeCluster();
      if (cluster.kafkaClusterId !== null && description.clusterId !== cluster.kafkaClusterId) {
        throw new TenancyError('kafka_cluster_unreachable', `The bootstrap servers now reach another Kafka cluster (${description.clusterId}).`, {
          details: { expected: cluster.kafkaClusterId, found: description.clusterId },
        });
      }
      const known = new Map(cluster.brokers.map((b) => [b.nodeId, b]));
      const added = description.brokers.filter((b) => !known.has(b.nodeId));
      const changed = description.brokers.filter((b) => {
        const before = known.get(b.nodeId);
        return before !== undefined && (before.host !== b.host || before.port !== b.port || before.rack !== b.rack);
      });
      const seen = new Set(description.brokers.map((b) => b.nodeId));
      const missingBrokerIds = cluster.brokers
        .filter((b) => !seen.has(b.nodeId))
        .map((b) => b.nodeId)
        .sort((a, b) => a - b);

      if (added.length > 0 || changed.length > 0) {
        await prisma.$transaction(async (tx) => {
          await tx.broker.createMany({
            data: added.map((b) => ({ clusterId, nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
            skipDuplicates: true,
          });
          for (const b of changed) {
            await tx.broker.update({ where: { clusterId_nodeId: { clusterId, nodeId: b.nodeId } }, data: { host: b.host, port: b.port, rack: b.rack } });
          }
          await tx.auditEvent.create({
            data: audit(request, 'kafka-cluster.refresh', 'kafka-cluster', clusterId, clusterId, {
              added: added.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
              changed: changed.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
              missing: missingBrokerIds,
            }),
          });
        });
      }
      return {
        cluster: await loadKafkaClusterView(prisma, clusterId),
        addedBrokerIds: added.map((b) => b.nodeId),
        changedBrokerIds: changed.map((b) => b.nodeId),
        missingBrokerIds,
      };
    },
  );
};

/** Puts the brokers into the cell, refusing any that joined another cell since they were read. */
async function assignBrokers(tx: Prisma.TransactionClient, clusterId: string, cellId: string, brokerIds: readonly number[]): Promise<void> {
  const wanted = [...new Set(brokerIds)];
  const { count } = await tx.broker.updateMany({ where: { clusterId, nodeId: { in: wanted }, cellId: null }, data: { cellId } });
  if (count !== wanted.length) {
    throw new TenancyError('cell_invalid', 'A broker of the cell joined another cell meanwhile; read the cells again.', { details: { brokerIds: wanted } });
  }
}

function alreadyRegistered(kafkaClusterId: string, id: string | null): TenancyError {
  return new TenancyError('kafka_cluster_already_registered', `This Kafka cluster (${kafkaClusterId}) is registered already.`, {
    details: { id, kafkaClusterId },
  });
}

function quarantineExists(cellId: string | undefined): TenancyError {
  return new TenancyError('quarantine_cell_exists', 'The cluster has a quarantine cell already; it may have only one.', { details: { cellId: cellId ?? null } });
}

function layoutExists(clusterId: string): TenancyError {
  return new TenancyError('cells_already_laid_out', 'The cluster has cells already; add more with POST /v1/kafka-clusters/:id/cells.', { details: { clusterId } });
}

/** A body field that passed the schema but contradicts the cluster: answered like a schema failure. */
function fieldError(message: string, path: string): CellarError {
  return new CellarError('validation_failed', message, { status: 400, details: { errors: [{ in: 'body', path, message }] } });
}
