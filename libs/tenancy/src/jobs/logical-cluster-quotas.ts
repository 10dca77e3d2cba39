import { limitsFor } from '@cellar/ckus';
import type { PrismaClient } from '@cellar/db';
import type { KafkaAdmin } from '@cellar/kafka-adapter';
import { keyQuotas, setQuotas } from '../access';
import { TenancyError } from '../tenancy.error';
import type { TenancyJobDeps } from './tenancy-job';

/** Brokers of the cell: Kafka enforces user quotas per broker, so limits are split over them. */
export async function cellBrokerCount(prisma: PrismaClient, cellId: string): Promise<number> {
  const count = await prisma.broker.count({ where: { cellId } });
  if (count === 0) throw new TenancyError('cell_invalid', `cell ${cellId} has no brokers`);
  return count;
}

/**
 * Sets the quotas of the logical cluster's principal (the whole share) and of each ACTIVE
 * API key (the share split over the active keys) for its current CKUs and cell size.
 * Setting a quota is absolute, so repeating this is harmless.
 */
export async function applyLogicalClusterQuotas(
  deps: Pick<TenancyJobDeps, 'prisma' | 'ckuProfile'>,
  admin: KafkaAdmin,
  row: { id: string; ckus: number; cellId: string },
): Promise<{ brokers: number; keys: number }> {
  const brokers = await cellBrokerCount(deps.prisma, row.cellId);
  const limits = limitsFor(deps.ckuProfile, row.ckus);
  const keys = await deps.prisma.credential.findMany({ where: { logicalClusterId: row.id, status: 'ACTIVE' }, select: { apiKey: true } });
  await setQuotas(admin, row.id, keyQuotas(limits, brokers, 1));
  const perKey = keyQuotas(limits, brokers, keys.length);
  for (const key of keys) await setQuotas(admin, key.apiKey, perKey);
  return { brokers, keys: keys.length };
}
