import type { KafkaAdmin } from '@cellar/kafka-adapter';
import type { Logger } from 'pino';

/** Outside every tenant's prefix, so no tenant key can touch it; the balancer and mitigations skip it. */
export const PROBE_TOPIC = '_cellar-probe';

export interface ProbeBroker {
  nodeId: number;
  rack: string | null;
}

/**
 * Partition i is preferred-led by the i-th broker (by node id), with followers on other
 * racks where there are any. Replicated, so a dead broker's partition fails over instead of
 * going offline (an offline partition makes clients fail metadata for the whole topic, and
 * with it every other broker's canary); canaries use acks=1, so they time the leader alone.
 */
export function probeAssignment(brokers: readonly ProbeBroker[]): number[][] {
  const sorted = [...brokers].sort((a, b) => a.nodeId - b.nodeId);
  const rf = Math.min(3, sorted.length);
  return sorted.map((leader, i) => {
    const replicas = [leader.nodeId];
    const racks = new Set([leader.rack]);
    for (let step = 1; step < sorted.length && replicas.length < rf; step++) {
      const candidate = sorted[(i + step) % sorted.length]!;
      if (!racks.has(candidate.rack)) {
        replicas.push(candidate.nodeId);
        racks.add(candidate.rack);
      }
    }
    for (let step = 1; step < sorted.length && replicas.length < rf; step++) {
      const candidate = sorted[(i + step) % sorted.length]!;
      if (!replicas.includes(candidate.nodeId)) replicas.push(candidate.nodeId);
    }
    return replicas;
  });
}

/** Creates the probe topic, or recreates one whose layout no longer fits the brokers. */
export async function ensureProbeTopic(admin: KafkaAdmin, brokers: readonly ProbeBroker[], logger: Logger): Promise<void> {
  const wanted = probeAssignment(brokers);
  if ((await admin.listTopics()).includes(PROBE_TOPIC)) {
    const [description] = await admin.describeTopics([PROBE_TOPIC]);
    const preferred = new Set((description?.partitions ?? []).map((p) => p.replicas[0]));
    const fits = description?.partitions.length === wanted.length && wanted.every((r) => preferred.has(r[0])) && description.partitions.every((p) => p.replicas.length === wanted[0]!.length);
    if (fits) return;
    logger.warn({ partitions: description?.partitions.length, brokers: brokers.length }, 'probe topic does not fit the brokers; recreating it');
    await admin.deleteTopics([PROBE_TOPIC]);
    await new Promise((r) => setTimeout(r, 2_000));
  }
  await admin.createTopic({
    name: PROBE_TOPIC,
    replicaAssignment: wanted,
    configs: { 'retention.ms': '3600000', 'segment.ms': '600000', 'min.insync.replicas': '1' },
  });
  logger.info({ partitions: wanted.length }, 'probe topic created');
}

/** Every partition of the probe topic is left out of mitigation and rebalance plans. */
export function isProbeTopic(topic: string): boolean {
  return topic === PROBE_TOPIC;
}
