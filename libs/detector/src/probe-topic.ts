import type { KafkaAdmin } from '@cellar/kafka-adapter';
import type { Logger } from 'pino';

/** Outside every tenant's prefix, so no tenant key can touch it; the balancer and mitigations skip it. */
export const PROBE_TOPIC = '_cellar-probe';

/**
 * The canary topic: partition i has the single replica brokers[i]. With one replica the
 * partition never changes leader, so a canary to it times that broker alone, whatever
 * leadership moves happen around it (replication health is judged from the brokers'
 * under-replicated and ISR-shrink metrics instead). Records live an hour.
 */
export async function ensureProbeTopic(admin: KafkaAdmin, brokerIds: readonly number[], logger: Logger): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(PROBE_TOPIC)) {
    const [description] = await admin.describeTopics([PROBE_TOPIC]);
    const pinned = new Set((description?.partitions ?? []).filter((p) => p.replicas.length === 1).map((p) => p.replicas[0]));
    const missing = brokerIds.filter((id) => !pinned.has(id));
    if (missing.length > 0) logger.warn({ missing }, 'brokers without a probe partition: they get no canaries until the topic is recreated');
    return;
  }
  const sorted = [...brokerIds].sort((a, b) => a - b);
  await admin.createTopic({
    name: PROBE_TOPIC,
    replicaAssignment: sorted.map((id) => [id]),
    configs: { 'retention.ms': '3600000', 'segment.ms': '600000', 'min.insync.replicas': '1' },
  });
  logger.info({ partitions: sorted.length }, 'probe topic created');
}

/** Every partition of the probe topic is left out of mitigation and rebalance plans. */
export function isProbeTopic(topic: string): boolean {
  return topic === PROBE_TOPIC;
}
