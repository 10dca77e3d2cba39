import { limitsFor } from '@cellar/ckus';
import { decryptSecret } from '@cellar/db';
import { KafkaAdapterError, KafkaAdmin } from '@cellar/kafka-adapter';
import { aclBindingsFor, keyQuotas, setQuotas } from '../access';
import { TenancyError } from '../tenancy.error';
import { cellBrokerCount } from './logical-cluster-quotas';
import { logicalClusterJob, type LogicalClusterJobContext, type TenancyJobDeps } from './tenancy-job';

/** In order; provisioningStep names the one in progress, so a restarted job resumes there. */
export const PROVISION_STEPS = ['principal', 'acls', 'quotas', 'verify'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

/** A new SCRAM credential reaches every broker through the metadata log: allow it this long. */
const VERIFY_TIMEOUT_MS = 20_000;

/**
 * PROVISIONING → READY: the logical cluster's SCRAM principal, its prefixed ACLs and its
 * quotas, then a connection as the principal to prove the tenant's path works. Every step
 * is safe to repeat: upserting the user, creating an ACL binding that exists and setting a
 * quota are all idempotent on Kafka.
 */
export function provisionLogicalClusterJob(deps: TenancyJobDeps) {
  return logicalClusterJob(deps, {
    name: 'provision-logical-cluster',
    status: 'PROVISIONING',
    async run(context) {
      const { row, admin } = context;
      const password = decryptSecret(row.principalPasswordEncrypted, deps.secretKey);
      await context.steps(PROVISION_STEPS, async (step) => {
        switch (step) {
          case 'principal':
            await admin.upsertScramUser(row.id, password);
            break;
          case 'acls':
            await admin.createAcls(aclBindingsFor(row.id, row.topicPrefix));
            break;
          case 'quotas':
            await setQuotas(admin, row.id, keyQuotas(limitsFor(deps.ckuProfile, row.ckus), await cellBrokerCount(deps.prisma, row.cellId), 1));
            break;
          case 'verify':
            await verifyPrincipal(context, password);
            break;
        }
      });
      await deps.prisma.$transaction(async (tx) => {
        await context.update({ status: 'READY', provisioningStep: null, failureReason: null }, tx);
        await context.audit('logical-cluster.provisioned', { cellId: row.cellId, ckus: row.ckus }, tx);
      });
      context.logger.info('logical cluster READY');
      return 'completed';
    },
  });
}

/** Connects to the cluster's bootstrap servers as the principal, the way a tenant's client will. */
async function verifyPrincipal({ row, logger }: LogicalClusterJobContext, password: string): Promise<void> {
  const deadline = Date.now() + VERIFY_TIMEOUT_MS;
  for (;;) {
    const client = new KafkaAdmin({
      bootstrapServers: row.physicalCluster.bootstrapServers,
      sasl: { mechanism: 'scram-sha-512', username: row.id, password },
      clientId: 'cellar-tenancy-verify',
    });
    try {
      await client.describeCluster();
      return;
    } catch (error) {
      const propagating = error instanceof KafkaAdapterError && error.code === 'kafka_authentication_failed';
      if (!propagating) throw error;
      if (Date.now() > deadline) {
        // Retried rather than failed at once: the credential may still be on its way.
        throw new TenancyError('kafka_unavailable', `the brokers do not accept principal ${row.id} yet`, { cause: error, retryable: true });
      }
      logger.debug('principal not accepted yet; waiting for the credential to reach the brokers');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await client.close();
    }
  }
}
