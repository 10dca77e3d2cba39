import { limitsFor } from '@cellar/ckus';
import type { Credential } from '@cellar/db';
import type { KafkaAdmin } from '@cellar/kafka-adapter';
import { API_KEY, grantPrincipal, keyQuotas, newApiKey, newSecret, revokePrincipal, setQuotas, TenancyError } from '@cellar/tenancy';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../plugins/auth.plugin';
import { problemSchema } from '../plugins/problem-details.plugin';
import type { TenancyDeps } from '../tenancy-deps';
import { actorOf, findVisibleLogicalCluster, lockFor, logicalClusterIdSchema, requireReady, type VisibleLogicalCluster } from './logical-cluster.access';
import { API_KEYS_PER_LOGICAL_CLUSTER } from './logical-clusters.routes';

const TAGS = ['api keys'];

const createBody = z
  .strictObject({ description: z.string().max(256).optional().meta({ example: 'orders service, production' }) })
  .meta({ id: 'CreateApiKey', examples: [{ description: 'orders service, production' }] });

const createdSchema = z
  .object({
    key: z.string().meta({ description: 'The SASL/SCRAM-SHA-512 user name.' }),
    secret: z.string().meta({ description: 'The SASL password. Shown only in this response: Cellar does not keep it.' }),
    logicalClusterId: z.string(),
    bootstrapServers: z.array(z.string()),
    saslMechanism: z.literal('SCRAM-SHA-512'),
    description: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'ApiKeyWithSecret',
    examples: [
      {
        key: 'lkc-7f3k2q-K7RX4MPA2WQN',
        secret: 'q3V8c1dXk2m9Zr0tHf7yLwPaBn4sJeUo6iGxCvTzR5E',
        logicalClusterId: 'lkc-7f3k2q',
        bootstrapServers: ['kafka-1.eu-west-1.example.net:9092'],
        saslMechanism: 'SCRAM-SHA-512',
        description: 'orders service, production',
        createdAt: '2026-05-01T09:32:00.000Z',
      },
    ],
  });

const apiKeySchema = z
  .object({
    key: z.string(),
    description: z.string().nullable(),
    status: z.enum(['PROVISIONING', 'ACTIVE', 'DELETING', 'FAILED']),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'ApiKey',
    examples: [{ key: 'lkc-7f3k2q-K7RX4MPA2WQN', description: 'orders service, production', status: 'ACTIVE', createdAt: '2026-05-01T09:32:00.000Z' }],
  });

const clusterParams = z.strictObject({ id: logicalClusterIdSchema });
const keyParams = z.strictObject({ id: logicalClusterIdSchema, key: z.string().min(1).max(128).meta({ example: 'lkc-7f3k2q-K7RX4MPA2WQN' }) });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/** Keys that hold (or are about to hold) a share of the cluster's quotas. */
const LIVE_KEY = { in: ['PROVISIONING', 'ACTIVE', 'DELETING'] as Credential['status'][] };

function apiKeyView(credential: Credential): z.infer<typeof apiKeySchema> {
  return {
    key: credential.apiKey,
    description: credential.description,
    status: credential.status === 'DELETED' ? 'DELETING' : credential.status,
    createdAt: credential.createdAt.toISOString(),
  };
}

export const apiKeysRoutes: FastifyPluginAsyncZod<TenancyDeps> = async (app, deps) => {
  const { prisma, ckuProfile, kafkaAdmins } = deps;

  /**
   * Kafka applies a user quota to each user on its own, so the cluster's per-broker share is
   * split over its keys: after every change the keys still live get an equal share again.
   */
  async function splitQuotas(admin: KafkaAdmin, lc: VisibleLogicalCluster, keys: string[], shares: number): Promise<void> {
    const brokers = await prisma.broker.count({ where: { cellId: lc.cellId } });
    const quotas = keyQuotas(limitsFor(ckuProfile, lc.ckus), brokers, shares);
    for (const key of keys) await setQuotas(admin, key, quotas);
  }

  async function activeKeys(lc: VisibleLogicalCluster, except: string): Promise<string[]> {
    const rows = await prisma.credential.findMany({ where: { logicalClusterId: lc.id, status: 'ACTIVE', apiKey: { not: except } }, select: { apiKey: true } });
    return rows.map((r) => r.apiKey);
  }

  async function undoGrant(admin: KafkaAdmin | undefined, lc: VisibleLogicalCluster, credential: Credential, log: FastifyBaseLogger) {
    try {
      if (admin) {
        await revokePrincipal(admin, credential.apiKey);
        const others = await activeKeys(lc, credential.apiKey);
        await splitQuotas(admin, lc, others, others.length);
      }
      await prisma.credential.delete({ where: { id: credential.id } });
    } catch (cleanup) {
      // Left PROVISIONING: the key never reached the tenant; deleting the cluster removes it.
      log.error({ err: cleanup, apiKey: credential.apiKey }, 'could not undo a failed API key');
    }
  }

  app.post(
    '/v1/logical-clusters/:id/api-keys',
    {
      schema: {
        summary: 'Create an API key (a SASL/SCRAM-SHA-512 user on the cluster’s prefix)',
        description:
          "The key may read, write and describe the logical cluster's topics, use its consumer groups and transactional ids, all by prefix, and nothing else. " +
          'The secret is shown once. The CKU quotas are shared between the keys.',
        tags: TAGS,
        params: clusterParams,
        body: createBody.nullish(),
        response: { 201: createdSchema, ...errors, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const lc = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      requireReady(lc);
      const apiKey = newApiKey(lc.id);
      const credential = await prisma.$transaction(async (tx) => {
        await lockFor(tx, `api-keys:${lc.id}`);
        const live = await tx.credential.count({ where: { logicalClusterId: lc.id, status: LIVE_KEY } });
        if (live >= API_KEYS_PER_LOGICAL_CLUSTER) {
          throw new TenancyError('api_key_limit_exceeded', `A logical cluster has at most ${API_KEYS_PER_LOGICAL_CLUSTER} API keys; delete one first.`, {
            details: { limit: API_KEYS_PER_LOGICAL_CLUSTER },
          });
        }
        return tx.credential.create({ data: { logicalClusterId: lc.id, apiKey, description: request.body?.description ?? null, status: 'PROVISIONING' } });
      });

      const secret = newSecret();
      let admin: KafkaAdmin | undefined;
      try {
        admin = await kafkaAdmins.forCluster(lc.physicalClusterId);
        const shares = await prisma.credential.count({ where: { logicalClusterId: lc.id, status: { in: ['PROVISIONING', 'ACTIVE'] } } });
        const brokers = await prisma.broker.count({ where: { cellId: lc.cellId } });
        await grantPrincipal(admin, { user: apiKey, password: secret, prefix: lc.topicPrefix, quotas: keyQuotas(limitsFor(ckuProfile, lc.ckus), brokers, shares) });
        await splitQuotas(admin, lc, await activeKeys(lc, apiKey), shares);
      } catch (error) {
        await undoGrant(admin, lc, credential, request.log);
        throw error;
      }

      const [active] = await prisma.$transaction([
        prisma.credential.update({ where: { id: credential.id }, data: { status: 'ACTIVE' } }),
        prisma.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'api-key.create',
            subjectType: 'api-key',
            subjectId: apiKey,
            clusterId: lc.physicalClusterId,
            details: { logicalClusterId: lc.id },
          },
        }),
      ]);
      request.log.info({ apiKey, logicalClusterId: lc.id }, 'API key created');
      return reply.status(201).send({
        key: apiKey,
        secret,
        logicalClusterId: lc.id,
        bootstrapServers: lc.physicalCluster.bootstrapServers,
        saslMechanism: 'SCRAM-SHA-512' as const,
        description: active.description,
        createdAt: active.createdAt.toISOString(),
      });
    },
  );

  app.get(
    '/v1/logical-clusters/:id/api-keys',
    {
      schema: {
        summary: "The logical cluster's API keys (never their secrets)",
        tags: TAGS,
        params: clusterParams,
        response: { 200: z.object({ items: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' }), ...errors },
      },
    },
    async (request) => {
      const lc = await findVisibleLogicalCluster(prisma, principalOf(request), request.params.id);
      const rows = await prisma.credential.findMany({ where: { logicalClusterId: lc.id, status: { not: 'DELETED' } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return { items: rows.map(apiKeyView) };
    },
  );

  app.delete(
    '/v1/logical-clusters/:id/api-keys/:key',
    {
      schema: {
        summary: 'Delete an API key: its SCRAM user, ACLs and quotas go at once',
        tags: TAGS,
        params: keyParams,
        response: { 204: z.null().meta({ description: 'Deleted.' }), ...errors, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const lc = await findVisibleLogicalCluster(prisma, principal, request.params.id);
      requireReady(lc);
      const { key } = request.params;
      const credential = API_KEY.test(key)
        ? await prisma.credential.findFirst({ where: { apiKey: key, logicalClusterId: lc.id, status: { not: 'DELETED' } } })
        : null;
      if (!credential) throw new TenancyError('api_key_not_found', `No API key ${key} in this logical cluster.`);
      const claimed = await prisma.credential.updateMany({ where: { id: credential.id, status: { in: ['ACTIVE', 'FAILED'] } }, data: { status: 'DELETING' } });
      if (claimed.count === 0) {
        throw new TenancyError('logical_cluster_busy', `API key ${key} is ${credential.status}; try again in a moment.`, { details: { keyStatus: credential.status } });
      }
      let admin: KafkaAdmin;
      try {
        admin = await kafkaAdmins.forCluster(lc.physicalClusterId);
        await revokePrincipal(admin, key);
      } catch (error) {
        await prisma.credential.update({ where: { id: credential.id }, data: { status: credential.status } });
        throw error;
      }
      try {
        const others = await activeKeys(lc, key);
        await splitQuotas(admin, lc, others, others.length);
      } catch (error) {
        // The key is gone; the others keep their smaller share until the next key change or resize.
        request.log.warn({ err: error, logicalClusterId: lc.id }, 'could not re-split quotas over the remaining API keys');
      }
      await prisma.$transaction([
        prisma.credential.update({ where: { id: credential.id }, data: { status: 'DELETED', deletedAt: new Date() } }),
        prisma.auditEvent.create({
          data: {
            correlationId: request.id,
            actor: actorOf(principal),
            action: 'api-key.delete',
            subjectType: 'api-key',
            subjectId: key,
            clusterId: lc.physicalClusterId,
            details: { logicalClusterId: lc.id },
          },
        }),
      ]);
      return reply.status(204).send(null);
    },
  );
};
