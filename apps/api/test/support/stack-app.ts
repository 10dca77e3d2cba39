import { parseCkuProfile, type CkuProfile } from '@cellar/ckus';
import { createPrismaClient } from '@cellar/db';
import { createDetectorJobs } from '@cellar/detector';
import { createTenancyJobs, KafkaAdminRegistry } from '@cellar/tenancy';
import { testStack, uniqueName } from '@cellar/test-support';
import { buildApp } from '../../src/app';
import { parseApiConfig } from '../../src/config';
import { tenantTokenResolver } from '../../src/tenant-tokens';
import type { TenancyDeps } from '../../src/tenancy-deps';
import { minimalEnv, passingCheck } from '../../src/test-fixtures';

/** A small CKU profile, so limits are reachable in tests: 1 MB/s in, 2 MB/s out, 12 partitions per CKU. */
export const TEST_CKU_PROFILE: CkuProfile = parseCkuProfile({
  ingressBytesPerSecond: 1_000_000,
  egressBytesPerSecond: 2_000_000,
  partitions: 12,
  connections: 100,
  requestsPerSecond: 1_000,
  connectionAttemptsPerSecond: 20,
  minCkus: 1,
  maxCkus: 8,
});

/**
 * The real API app (inject(), no port) on the test stack's PostgreSQL, Redis and Kafka.
 * `redisPrefix` defaults to one of its own, so its queue is not shared with other specs
 * unless a spec runs a worker on the same prefix.
 */
export async function buildStackApp(options: { redisPrefix?: string; ckuProfile?: CkuProfile } = {}) {
  const stack = testStack();
  const redisPrefix = options.redisPrefix ?? `${stack.redisPrefix}:${uniqueName('api')}`;
  const config = parseApiConfig({ ...minimalEnv(), DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, REDIS_PREFIX: redisPrefix });
  const prisma = createPrismaClient(stack.databaseUrl);
  const deps: TenancyDeps = {
    prisma,
    kafkaAdmins: new KafkaAdminRegistry(prisma, config.secretKey, 'cellar-api-test'),
    jobs: createTenancyJobs(stack.redisUrl, redisPrefix),
    secretKey: config.secretKey,
    ckuProfile: options.ckuProfile ?? TEST_CKU_PROFILE,
    detectorJobs: createDetectorJobs(stack.redisUrl, redisPrefix),
  };
  const app = await buildApp(config, {
    readinessChecks: [passingCheck('postgres')],
    resolveTenantToken: tenantTokenResolver(prisma),
    tenancy: deps,
  });
  const close = async () => {
    await app.close();
    await Promise.allSettled([deps.kafkaAdmins.close(), deps.jobs.close(), deps.detectorJobs.close()]);
    await prisma.$disconnect();
  };
  return { app, deps, config, redisPrefix, close };
}
