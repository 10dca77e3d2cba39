import { placeReplicas, type BrokerInfo, type BrokerLoad } from '@cellar/cells';
import { checkPartitionAdmission, limitsFor } from '@cellar/ckus';
import { CellarError } from '@cellar/common';
import type { Topic } from '@cellar/db';
import { KafkaAdapterError, type KafkaAdmin } from '@cellar/kafka-adapter';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../plugins/auth.plugin';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { isUniqueViolation } from '../unique-violation';
import { ALLOWED_TOPIC_CONFIGS, checkTopicConfigs } from '../topic-configs';
import {
  actorOf,
  cellBrokers,
  findVisibleLogicalCluster,
  lockFor,
  logicalClusterIdSchema,
  partitionsUsed,
  requireReady,
} from './logical-cluster.access';

const TAGS = ['topics'];

/** Kafka's own limit on a topic name, prefix included. */
const MAX_TOPIC_NAME = 249;

const topicNameSchema = z
  .string()
  .min(1)
  .max(MAX_TOPIC_NAME)
  .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'must not be "." or ".."')
  .meta({ description: "The topic's name without the logical cluster's prefix.", example: 'orders' });

const createBody = z
  .strictObject({
    name: topicNameSchema,
    partitions: z.number().int().min(1).max(10_000).meta({ example: 6 }),
    replicationFactor: z
      .number()
      .int()
      .min(1)
      .max(32)
      .optional()
      .meta({ description: "Default: 3, or the number of racks in the cluster's cell when it has fewer.", example: 3 }),
    configs: z
      .record(z.string().max(255), z.string().max(255))
      .optional()
      .meta({ description: `Topic configs; allowed: ${ALLOWED_TOPIC_CONFIGS.join(', ')}.`, example: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' } }),
  })
  .meta({
    id: 'CreateTopic',
    examples: [{ name: 'orders', partitions: 6, replicationFactor: 3, configs: { 'retention.ms': '604800000' } }],
  });

const topicSchema = z
  .object({
    name: z.string(),
    fullName: z.string().meta({ description: 'The name Kafka clients use: the prefix and the name.' }),
    partitions: z.number().int(),
    replicationFactor: z.number().int(),
    configs: z.record(z.string(), z.string()),
    status: z.enum(['CREATING', 'READY', 'DELETING', 'FAILED']),
    assignment: z
      .array(z.array(z.number().int()))
      .optional()
      .meta({ description: "Broker ids of each partition's replicas (index = partition), the preferred leader first; all in the cluster's cell." }),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'Topic',
    examples: [
      {
        name: 'orders',
        fullName: 'lkc-7f3k2q.orders',
        partitions: 3,
        replicationFactor: 3,
        configs: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
        status: 'READY',
        assignment: [
          [1, 3, 5],
          [3, 5, 1],
          [5, 1, 3],
        ],
        createdAt: '2026-05-01T09:31:00.000Z',
      },
    ],
  });

const topicParams = z.strictObject({ id: logicalClusterIdSchema, name: z.string().min(1).max(MAX_TOPIC_NAME).meta({ example: 'orders' }) });
const clusterParams = z.strictObject({ id: logicalClusterIdSchema });

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

function topicView(topic: Topic, prefix: string, assignment?: number[][]): z.infer<typeof topicSchema> {
  return {
    name: topic.name,
    fullName: `${prefix}${topic.name}`,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    configs: topic.configs as Record<string, string>,
    status: topic.status,
    ...(assignment ? { assignment } : {}),
    createdAt: topic.createdAt.toISOString(),
  };
}

function topicNotFound(name: string): TenancyError {
  return new TenancyError('topic_not_found', `No topic ${name} in this logical cluster.`);
}

/**
 * Kafka uses a topic's name in metric names with "." replaced by "_", and refuses a topic
 * whose name collides that way with an existing one.
 */
function metricName(name: string): string {
  return name.replaceAll('.', '_');
}

/** Replicas and leaders on each broker of the cell, over every partition of the physical cluster. */
export async function cellLoad(admin: KafkaAdmin, brokers: readonly BrokerInfo[]): Promise<BrokerLoad[]> {
  const load = new Map(brokers.map((b) => [b.id, { brokerId: b.id, replicas: 0, leaders: 0 }]));
  const names = await admin.listTopics();
  const topics = names.length === 0 ? [] : await admin.describeTopics(names);
  for (const topic of topics) {
    for (const partition of topic.partitions) {
      for (const replica of partition.replicas) {
        const entry = load.get(replica);
        if (entry) entry.replicas += 1;
      }
      const leader = load.get(partition.replicas[0] ?? partition.leader);
      if (leader) leader.leaders += 1;
    }
  }
  return [...load.values()];
}

export const topicsRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma, ckuProfile, kafkaAdmins } = deps;

  app.post(
    '/v1/logical-clusters/:id/topics',
    {
      schema: {
        summary: 'Create a topic (synchronous)',
        description:
          "Replicas are placed inside the logical cluster's cell, one per rack where the replication factor allows, spreading replicas and leaders " +
          'by what the cell already hosts. Configs are checked against an allow-list; the CKUs bound the partitions.',
        tags: TAGS,
        params: clusterParams,
        body: createBody,
        response: { 201: topicSchema, ...errors, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const lc = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      requireReady(lc);
      const { name, partitions } = request.body;
      const fullName = `${lc.topicPrefix}${name}`;
      if (fullName.length > MAX_TOPIC_NAME) {
        throw new CellarError('validation_failed', `The topic name is too long: with the prefix ${lc.topicPrefix} it may have at most ${MAX_TOPIC_NAME - lc.topicPrefix.length} characters.`, {
          status: 400,
          details: { errors: [{ in: 'body', path: 'name', message: `must be at most ${MAX_TOPIC_NAME - lc.topicPrefix.length} characters` }] },
        });
      }

      const brokers = await cellBrokers(prisma, lc.cellId);
      const racks = new Set(brokers.map((b) => b.rack)).size;
      const replicationFactor = request.body.replicationFactor ?? Math.max(1, Math.min(3, racks));
      if (replicationFactor > brokers.length) {
        throw new TenancyError('replication_factor_invalid', `Replication factor ${replicationFactor} needs ${replicationFactor} brokers; the cluster's cell has ${brokers.length}.`, {
          details: { replicationFactor, brokers: brokers.length },
        });
      }
      const checked = checkTopicConfigs(request.body.configs ?? {}, { replicationFactor });
      if (!checked.ok && checked.notAllowed.length > 0) {
        throw new TenancyError('topic_config_not_allowed', `These topic configs cannot be set: ${checked.notAllowed.join(', ')}.`, {
          details: { keys: checked.notAllowed, allowed: ALLOWED_TOPIC_CONFIGS },
        });
      }
      if (!checked.ok) {
        throw new TenancyError('topic_config_invalid', checked.invalid.map((p) => `${p.key} ${p.message}`).join('; '), { details: { problems: checked.invalid } });
      }
      const configs = checked.configs;
      const limits = limitsFor(ckuProfile, lc.ckus);

      // The row first (CREATING): it reserves the name and the partitions against concurrent requests.
      let row: Topic;
      try {
        row = await prisma.$transaction(async (tx) => {
          await lockFor(tx, `topics:${lc.id}`);
          checkPartitionAdmission(limits, await partitionsUsed(tx, lc.id), partitions);
          const existing = await tx.topic.findMany({ where: { logicalClusterId: lc.id }, select: { name: true } });
          const collides = existing.find((t) => t.name !== name && metricName(t.name) === metricName(name));
          if (collides) {
            throw new TenancyError('topic_exists', `Topic ${name} would collide with ${collides.name}: Kafka treats "." and "_" alike in topic names.`, {
              details: { name, collidesWith: collides.name },
            });
          }
          return tx.topic.create({ data: { logicalClusterId: lc.id, name, partitions, replicationFactor, configs, status: 'CREATING' } });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new TenancyError('topic_exists', `Topic ${name} already exists.`, { details: { name } });
        throw error;
      }

      let assignment: number[][];
      try {
        const admin = await kafkaAdmins.forCluster(lc.physicalClusterId);
        const placement = placeReplicas({ brokers, load: await cellLoad(admin, brokers), partitions, replicationFactor });
        assignment = placement.assignment;
        await admin.createTopic({ name: fullName, replicaAssignment: assignment, configs });
      } catch (error) {
        // Nothing is left behind: the name and the partitions are free again.
        await prisma.topic.delete({ where: { id: row.id } }).catch((cleanup: unknown) => request.log.error({ err: cleanup, topic: fullName }, 'could not remove the topic row'));
        if (error instanceof KafkaAdapterError && error.code === 'kafka_invalid_config') {
          throw new TenancyError('topic_config_invalid', 'Kafka refused the topic configs.', { cause: error, details: { configs } });
        }
        if (error instanceof KafkaAdapterError && error.code === 'kafka_topic_exists') {
          throw new TenancyError('topic_exists', `Topic ${name} already exists on Kafka.`, { cause: error, details: { name } });
        }
        throw error;
      }

      const [ready] = await prisma.$transaction([
        prisma.topic.update({ where: { id: row.id }, data: { status: 'READY' } }),
        prisma.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'topic.create',
            subjectType: 'topic',
            subjectId: fullName,
            clusterId: lc.physicalClusterId,
            details: { logicalClusterId: lc.id, partitions, replicationFactor, configs, assignment },
          },
        }),
      ]);
      return reply.status(201).send(topicView(ready, lc.topicPrefix, assignment));
    },
  );

  app.get(
    '/v1/logical-clusters/:id/topics',
    {
      schema: {
        summary: "The logical cluster's topics",
        tags: TAGS,
        params: clusterParams,
        response: { 200: z.object({ items: z.array(topicSchema) }).meta({ id: 'TopicList' }), ...errors },
      },
    },
    async (request) => {
      const lc = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const topics = await prisma.topic.findMany({ where: { logicalClusterId: lc.id }, orderBy: { name: 'asc' } });
      return { items: topics.map((t) => topicView(t, lc.topicPrefix)) };
    },
  );

  app.get(
    '/v1/logical-clusters/:id/topics/:name',
    {
      schema: {
        summary: 'One topic, with its replica assignment as Kafka reports it now',
        tags: TAGS,
        params: topicParams,
        response: { 200: topicSchema, ...errors },
      },
    },
    async (request) => {
      const lc = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const topic = await prisma.topic.findUnique({ where: { logicalClusterId_name: { logicalClusterId: lc.id, name: request.params.name } } });
      if (!topic) throw topicNotFound(request.params.name);
      if (topic.status !== 'READY') return topicView(topic, lc.topicPrefix);
      const admin = await kafkaAdmins.forCluster(lc.physicalClusterId);
      const [described] = await admin.describeTopics([`${lc.topicPrefix}${topic.name}`]);
      return topicView(topic, lc.topicPrefix, described?.partitions.map((p) => p.replicas));
    },
  );

  app.delete(
    '/v1/logical-clusters/:id/topics/:name',
    {
      schema: {
        summary: 'Delete a topic and its data',
        tags: TAGS,
        params: topicParams,
        response: { 204: z.null().meta({ description: 'Deleted.' }), ...errors, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const lc = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      requireReady(lc);
      const topic = await prisma.topic.findUnique({ where: { logicalClusterId_name: { logicalClusterId: lc.id, name: request.params.name } } });
      if (!topic) throw topicNotFound(request.params.name);
      const claimed = await prisma.topic.updateMany({ where: { id: topic.id, status: { in: ['READY', 'FAILED'] } }, data: { status: 'DELETING' } });
      if (claimed.count === 0) {
        throw new TenancyError('logical_cluster_busy', `Topic ${topic.name} is ${topic.status}; try again in a moment.`, { details: { topicStatus: topic.status } });
      }
      const fullName = `${lc.topicPrefix}${topic.name}`;
      try {
        const admin = await kafkaAdmins.forCluster(lc.physicalClusterId);
        await admin.deleteTopics([fullName]);
      } catch (error) {
        if (!(error instanceof KafkaAdapterError && error.code === 'kafka_unknown_topic')) {
          await prisma.topic.update({ where: { id: topic.id }, data: { status: topic.status } });
          throw error;
        }
      }
      await prisma.$transaction([
        prisma.topic.delete({ where: { id: topic.id } }),
        prisma.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'topic.delete',
            subjectType: 'topic',
            subjectId: fullName,
            clusterId: lc.physicalClusterId,
            details: { logicalClusterId: lc.id, partitions: topic.partitions },
          },
        }),
      ]);
      return reply.status(204).send(null);
    },
  );
};
