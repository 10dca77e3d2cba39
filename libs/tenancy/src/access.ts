import { quotasFor, type ClientQuotas, type LogicalClusterLimits } from '@cellar/ckus';
import type { AclBinding, AclFilter, AclOperation, AclResourceType, KafkaAdmin, QuotaKey } from '@cellar/kafka-adapter';

/**
 * What a principal of a logical cluster may do, on PREFIXED resources named `<lkc-id>.`.
 *
 * Deliberately not granted: CREATE, DELETE, ALTER and ALTER_CONFIGS on topics. Topics are
 * created and deleted through the REST API only, which places replicas inside the cell,
 * enforces the CKU partition limit and the config allow-list; a key that could create
 * topics or add partitions on the wire would bypass all three.
 */
const GRANTS: readonly { resourceType: AclResourceType; operations: readonly AclOperation[] }[] = [
  { resourceType: 'topic', operations: ['read', 'write', 'describe', 'describe_configs'] },
  { resourceType: 'group', operations: ['read', 'describe', 'delete'] },
  { resourceType: 'transactional_id', operations: ['write', 'describe'] },
];

export function principalName(user: string): string {
  return `User:${user}`;
}

/** The ALLOW bindings a principal of the logical cluster gets; nothing outside `prefix`. */
export function aclBindingsFor(user: string, prefix: string): AclBinding[] {
  return GRANTS.flatMap(({ resourceType, operations }) =>
    operations.map(
      (operation): AclBinding => ({
        resourceType,
        resourceName: prefix,
        patternType: 'prefixed',
        principal: principalName(user),
        host: '*',
        operation,
        permission: 'allow',
      }),
    ),
  );
}

/** Matches every ACL of `user`, whatever its resource: what deleting a principal removes. */
export function aclFilterFor(user: string): AclFilter {
  return { principal: principalName(user), patternType: 'any' };
}

const QUOTA_KEYS: readonly QuotaKey[] = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage'];

/**
 * Per-broker quotas of one API key. Kafka applies a user quota to each user on each broker
 * on its own, so the logical cluster's limits are split over its cell's brokers and over
 * its active keys: N keys together never exceed the CKU limits (a tenant with several keys
 * gets the sum, not N times it). The service principal holds the whole share as the
 * logical cluster's reference entry.
 */
export function keyQuotas(limits: LogicalClusterLimits, cellBrokerCount: number, activeKeys: number): ClientQuotas {
  return quotasFor(limits, cellBrokerCount, { principals: Math.max(1, activeKeys) });
}

/** Creates or updates a SCRAM user with its ACLs and quotas; every call is safe to repeat. */
export async function grantPrincipal(
  admin: KafkaAdmin,
  grant: { user: string; password: string; prefix: string; quotas: ClientQuotas },
): Promise<void> {
  await admin.upsertScramUser(grant.user, grant.password);
  await admin.createAcls(aclBindingsFor(grant.user, grant.prefix));
  await setQuotas(admin, grant.user, grant.quotas);
}

export async function setQuotas(admin: KafkaAdmin, user: string, quotas: ClientQuotas): Promise<void> {
  await admin.alterClientQuotas([{ entity: { user }, set: { ...quotas } }]);
}

/** Removes a SCRAM user, its ACLs and its quotas; a principal already gone is not an error. */
export async function revokePrincipal(admin: KafkaAdmin, user: string): Promise<void> {
  await admin.deleteAcls(aclFilterFor(user));
  await admin.alterClientQuotas([{ entity: { user }, remove: [...QUOTA_KEYS] }]);
  try {
    await admin.deleteScramUser(user);
  } catch (error) {
    if ((error as { code?: string }).code !== 'kafka_resource_not_found') throw error;
  }
}
