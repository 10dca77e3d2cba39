import type { AclBinding, KafkaAdmin } from '@cellar/kafka-adapter';
import { revokePrincipal } from '../access';
import { logicalClusterJob, type TenancyJobDeps } from './tenancy-job';

/** In order; provisioningStep names the one in progress, so a restarted job resumes there. */
export const DELETE_STEPS = ['topics', 'principals', 'acls'] as const;

/**
 * DELETING → DELETED: everything the logical cluster has on Kafka goes (its topics, the SCRAM
 * users of its keys and of its principal with their quotas, and any ACL on a resource under
 * its prefix, whoever it names), then its topic rows, and its keys are marked DELETED. Each
 * step looks at Kafka rather than at what Cellar remembers, so a repeat finds less to do.
 */
export function deleteLogicalClusterJob(deps: TenancyJobDeps) {
  return logicalClusterJob(deps, {
    name: 'delete-logical-cluster',
    status: 'DELETING',
    async run(context) {
      const { row, admin } = context;
      const removed = { topics: 0, principals: 0, acls: 0 };
      await context.steps(DELETE_STEPS, async (step) => {
        switch (step) {
          case 'topics': {
            const topics = (await admin.listTopics()).filter((name) => name.startsWith(row.topicPrefix));
            await admin.deleteTopics(topics);
            removed.topics = topics.length;
            break;
          }
          case 'principals': {
            const keys = await deps.prisma.credential.findMany({ where: { logicalClusterId: row.id, status: { not: 'DELETED' } }, select: { apiKey: true } });
            for (const { apiKey } of keys) await revokePrincipal(admin, apiKey);
            await revokePrincipal(admin, row.id);
            removed.principals = keys.length + 1;
            break;
          }
          case 'acls':
            removed.acls = await deleteAclsUnder(admin, row.topicPrefix);
            break;
        }
      });
      await deps.prisma.$transaction(async (tx) => {
        const now = new Date();
        await tx.topic.deleteMany({ where: { logicalClusterId: row.id } });
        await tx.credential.updateMany({ where: { logicalClusterId: row.id, status: { not: 'DELETED' } }, data: { status: 'DELETED', deletedAt: now } });
        await context.update({ status: 'DELETED', deletedAt: now, provisioningStep: null, failureReason: null }, tx);
        await context.audit('logical-cluster.deleted', removed, tx);
      });
      context.logger.info(removed, 'logical cluster DELETED');
      return 'completed';
    },
  });
}

/** Deletes every ACL (prefixed or literal, any principal) whose resource name starts with `prefix`. */
export async function deleteAclsUnder(admin: KafkaAdmin, prefix: string): Promise<number> {
  const bindings = (await admin.describeAcls({ patternType: 'any' })).filter((acl) => acl.resourceName.startsWith(prefix));
  const distinct = new Map<string, AclBinding>();
  for (const acl of bindings) distinct.set(`${acl.resourceType}|${acl.resourceName}|${acl.patternType}|${acl.principal}|${acl.operation}`, acl);
  for (const acl of distinct.values()) {
    await admin.deleteAcls({ resourceType: acl.resourceType, resourceName: acl.resourceName, patternType: acl.patternType, principal: acl.principal, operation: acl.operation });
  }
  return bindings.length;
}
