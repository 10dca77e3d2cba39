import type { MoveSpec } from './move';

export const THROTTLE_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const;
export const THROTTLED_REPLICAS_KEYS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] as const;

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

/** The throttle a set of moves needs; leadership moves (nothing copied) need none. */
export function replicationThrottleFor(moves: readonly Pick<MoveSpec, 'topic' | 'partition' | 'fromReplicas' | 'toReplicas'>[]): ReplicationThrottle {
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
    topics: [...byTopic.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([topic, lists]) => ({ topic, leaderReplicas: lists.leader.join(','), followerReplicas: lists.follower.join(',') })),
  };
}

/** Every broker a move touches (before or after), e.g. to release a throttle or spot a conflict. */
export function brokersOf(moves: readonly Pick<MoveSpec, 'fromReplicas' | 'toReplicas'>[]): number[] {
  return [...new Set(moves.flatMap((m) => [...m.fromReplicas, ...m.toReplicas]))].sort((a, b) => a - b);
}
