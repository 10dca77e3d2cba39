import { createBalancerJobs, LoadStateStore, type BalancingDeps } from '@cellar/balancing';
import { ClusterLocks } from '@cellar/cluster-lock';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TenancyDeps } from '../tenancy-deps';

/** What the balancer routes get: the tenancy deps plus where the balancer's queue and locks live. */
export interface BalancerRoutesOptions extends TenancyDeps {
  redisUrl: string;
  redisPrefix: string;
}

/**
 * The balancing deps the routes share, on the API's own Redis connection (closed with the
 * app): the cluster lock for manual plans and cancels, the smoothed load the balancer
 * process keeps, and its queue for plan executions.
 */
export function balancingDepsFor(app: FastifyInstance, options: BalancerRoutesOptions): BalancingDeps {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection error (balancer routes)'));
  const jobs = createBalancerJobs(options.redisUrl, options.redisPrefix);
  app.addHook('onClose', async () => {
    await Promise.allSettled([jobs.close(), redis.quit()]);
  });
  return {
    prisma: options.prisma,
    kafkaAdmins: options.kafkaAdmins,
    loadStates: new LoadStateStore(redis, options.redisPrefix),
    locks: new ClusterLocks(redis, { prefix: options.redisPrefix }),
    jobs,
    logger: app.log as unknown as Logger,
    lockWaitMs: 5_000,
  };
}

/** 404 kafka_cluster_not_found unless the physical cluster exists. */
export async function requireKafkaCluster(prisma: TenancyDeps['prisma'], id: string): Promise<void> {
  const cluster = await prisma.physicalCluster.findUnique({ where: { id }, select: { id: true } });
  if (!cluster) throw new TenancyError('kafka_cluster_not_found', `No Kafka cluster ${id}.`);
}
