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

/** A move with nothing to copy and the same leader order: already where it should be. */
export function isNoop(move: Pick<PlannedMove, 'fromReplicas' | 'toReplicas'>): boolean {
  return move.fromReplicas.length === move.toReplicas.length && move.fromReplicas.every((b, i) => move.toReplicas[i] === b);
}

export interface ReplicationThrottle {
  /** Brokers that send or receive moved data: they get the throttle rate. */
  brokers: number[];
  /**
   * Per topic, Kafka's `partition:broker` lists, as kafka-reassign-partitions builds them:
   * leader-side throttling on every current replica (any may lead while data is copied),
   * follower-side on the replicas being added.
   */
  topics: { topic: string; leaderReplicas: string; followerReplicas: string }[];
}

export function replicationThrottleFor(moves: readonly PlannedMove[]): ReplicationThrottle {
  const brokers = new Set<number>();
  const byTopic = new Map<string, { leader: string[]; follower: string[] }>();
  for (const move of moves) {
    const adding = move.toReplicas.filter((b) => !move.fromReplicas.includes(b));
    if (adding.length === 0) continue;
    for (const b of [...move.fromReplicas, ...adding]) brokers.add(b);
    const lists = byTopic.get(move.topic) ?? { leader: [], follower: [] };
    lists.leader.push(...move.fromReplicas.map((b) => `${move.partition}:${b}`));
    lists.follower.push(...adding.map((b) => `${move.partition}:${b}`));
    byTopic.set(move.topic, lists);
  }
  return {
    brokers: [...brokers].sort((a, b) => a - b),
    topics: [...byTopic.entries()].map(([topic, lists]) => ({ topic, leaderReplicas: lists.leader.join(','), followerReplicas: lists.follower.join(',') })),
  };
}

export const THROTTLE_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const;
export const THROTTLED_REPLICAS_KEYS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] as const;
