import type { PrismaClient } from '@cellar/db';
import type { KafkaAdmin } from '@cellar/kafka-adapter';

/**
 * Everything a request could have changed, as plain data: every row of the tenancy tables
 * (with versions and statuses) and, on Kafka, topics, SCRAM users, ACLs and user quotas.
 * Two equal snapshots mean the request changed nothing.
 */
export interface WorldSnapshot {
  postgres: Record<string, unknown[]>;
  kafka: { topics: string[]; scramUsers: string[]; acls: string[]; quotas: string[] };
}

/**
 * `tenantIds` narrows the tenant-owned tables to the spec's own tenants: earlier spec files
 * share the database, and their leftovers may still be worked on by a reconciler.
 * Kafka is compared under `prefixes` only (the spec's logical clusters), for the same reason.
 */
export async function snapshotWorld(
  prisma: PrismaClient,
  admin: KafkaAdmin,
  scope: { tenantIds: string[]; prefixes: string[] },
): Promise<WorldSnapshot> {
  const byId = { orderBy: { id: 'asc' as const } };
  const ownCluster = { logicalCluster: { tenantId: { in: scope.tenantIds } } };
  const own = (name: string) => scope.prefixes.some((prefix) => name.startsWith(prefix));
  // A logical cluster's users are its id (the service principal) and `<id>-<KEY>` (API keys).
  const ids = scope.prefixes.map((prefix) => prefix.replace(/\.$/, ''));
  const ownUser = (user: string) => ids.some((id) => user === id || user.startsWith(`${id}-`));
  const [tenants, apiTokens, physicalClusters, brokers, cells, logicalClusters, topics, credentials, idempotencyRecords, auditEvents, partitionMoves] =
    await Promise.all([
      prisma.tenant.findMany(byId),
      prisma.apiToken.findMany(byId),
      prisma.physicalCluster.findMany(byId),
      prisma.broker.findMany(byId),
      prisma.cell.findMany(byId),
      prisma.logicalCluster.findMany({ ...byId, where: { tenantId: { in: scope.tenantIds } } }),
      prisma.topic.findMany({ ...byId, where: ownCluster }),
      prisma.credential.findMany({ ...byId, where: ownCluster }),
      prisma.idempotencyRecord.findMany(byId),
      prisma.auditEvent.findMany({ ...byId, where: { actor: { not: 'worker' } } }),
      prisma.partitionMove.findMany({ ...byId, where: { logicalClusterId: { in: ids } } }),
    ]);
  const [topicNames, scramUsers, acls, quotas] = await Promise.all([
    admin.listTopics(),
    admin.listScramUsers(),
    admin.describeAcls({}),
    admin.describeClientQuotas(),
  ]);
  return {
    postgres: { tenants, apiTokens, physicalClusters, brokers, cells, logicalClusters, topics, credentials, idempotencyRecords, auditEvents, partitionMoves },
    kafka: {
      topics: topicNames.filter(own).sort(),
      scramUsers: scramUsers.map((user) => user.name).filter(ownUser).sort(),
      acls: acls.filter((acl) => own(acl.resourceName) || ownUser(acl.principal.replace(/^User:/, ''))).map((acl) => JSON.stringify(acl)).sort(),
      quotas: quotas.filter((quota) => quota.entity.user !== null && ownUser(quota.entity.user)).map((quota) => JSON.stringify(quota)).sort(),
    },
  };
}
