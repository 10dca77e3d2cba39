import { placeReplicas, type BrokerInfo, type BrokerLoad } from '@cellar/cells';

export interface TopicReplicas {
  name: string;
  /** replicas[p] = the broker ids of partition p, leader first. */
  partitions: { partition: number; replicas: number[]; leader: number }[];
}

export interface PlannedMove {
  topic: string;
  partition: number;
  fromReplicas: number[];
  toReplicas: number[];
}

/** Replica and leader counts of the cell's brokers over every topic of the cluster, except `excluding` (what is about to move in). */
export function cellLoad(cellBrokers: readonly BrokerInfo[], topics: readonly TopicReplicas[], excluding: ReadonlySet<string>): BrokerLoad[] {
  const load = new Map<number, BrokerLoad>(cellBrokers.map((b) => [b.id, { brokerId: b.id, replicas: 0, leaders: 0 }]));
  for (const topic of topics) {
    if (excluding.has(topic.name)) continue;
    for (const p of topic.partitions) {
      for (const replica of p.replicas) {
        const entry = load.get(replica);
        if (entry) entry.replicas += 1;
      }
      const leader = load.get(p.leader);
      if (leader) leader.leaders += 1;
    }
  }
  return [...load.values()];
}

/**
 * Where every partition of the logical cluster's topics goes inside the target cell: the same
 * partition count and replication factor, replicas placed rack-aware by placeReplicas with
 * the cell's current load, topic after topic (sorted, so the plan is deterministic).
 */
export function planCellMoves(cellBrokers: readonly BrokerInfo[], load: readonly BrokerLoad[], topics: readonly TopicReplicas[]): PlannedMove[] {
  let current = [...load];
  const moves: PlannedMove[] = [];
  for (const topic of [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const partitions = [...topic.partitions].sort((a, b) => a.partition - b.partition);
    if (partitions.length === 0) continue;
    const replicationFactor = Math.max(...partitions.map((p) => p.replicas.length));
    const placement = placeReplicas({ brokers: cellBrokers, load: current, partitions: partitions.length, replicationFactor });
    current = placement.load;
    partitions.forEach((p, index) => {
      moves.push({ topic: topic.name, partition: p.partition, fromReplicas: [...p.replicas], toReplicas: placement.assignment[index] as number[] });
    });
  }
  return moves;
}

// The executor's helpers, kept importable from here for the quarantine plan's callers and spec.
export { isNoop, replicationThrottleFor, THROTTLE_RATE_KEYS, THROTTLED_REPLICAS_KEYS, type ReplicationThrottle } from '@cellar/reassignment';
