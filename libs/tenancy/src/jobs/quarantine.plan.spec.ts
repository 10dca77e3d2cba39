import { describe, expect, it } from 'vitest';
import { cellLoad, isNoop, planCellMoves, replicationThrottleFor, type TopicReplicas } from './quarantine.plan';

/** The harness layout: brokers 1..6 on az1 az1 az2 az2 az3 az3; regular cell 1,3,5, quarantine cell 2,4,6. */
const QUARANTINE_CELL = [
  { id: 2, rack: 'az1' },
  { id: 4, rack: 'az2' },
  { id: 6, rack: 'az3' },
];
const rackOf = new Map([[1, 'az1'], [2, 'az1'], [3, 'az2'], [4, 'az2'], [5, 'az3'], [6, 'az3']]);

const tenantTopic = (name: string, partitions: number): TopicReplicas => ({
  name,
  partitions: Array.from({ length: partitions }, (_, partition) => {
    const replicas = [[1, 3, 5], [3, 5, 1], [5, 1, 3]][partition % 3] as number[];
    return { partition, replicas, leader: replicas[0] as number };
  }),
});

describe('planCellMoves', () => {
  it('moves every partition into the cell, one replica per rack, keeping partition count and replication factor', () => {
    const topics = [tenantTopic('lkc-abc234.orders', 6), tenantTopic('lkc-abc234.audit', 2)];
    const moves = planCellMoves(QUARANTINE_CELL, cellLoad(QUARANTINE_CELL, [], new Set()), topics);
    expect(moves).toHaveLength(8);
    for (const move of moves) {
      expect(move.toReplicas).toHaveLength(move.fromReplicas.length);
      expect(move.toReplicas.every((b) => [2, 4, 6].includes(b))).toBe(true);
      expect(new Set(move.toReplicas.map((b) => rackOf.get(b))).size).toBe(3);
    }
    // Leaders spread over the cell: 8 partitions on 3 brokers, no broker leads more than 3.
    const leaders = moves.map((m) => m.toReplicas[0]);
    for (const broker of [2, 4, 6]) expect(leaders.filter((l) => l === broker).length).toBeLessThanOrEqual(3);
  });

  it('counts what the cell already hosts, except the topics about to move', () => {
    const resident: TopicReplicas = { name: 'lkc-other1.x', partitions: [{ partition: 0, replicas: [2, 4], leader: 2 }] };
    const load = cellLoad(QUARANTINE_CELL, [resident, tenantTopic('lkc-abc234.orders', 1)], new Set(['lkc-abc234.orders']));
    expect(load).toEqual([
      { brokerId: 2, replicas: 1, leaders: 1 },
      { brokerId: 4, replicas: 1, leaders: 0 },
      { brokerId: 6, replicas: 0, leaders: 0 },
    ]);
    const [move] = planCellMoves(QUARANTINE_CELL, load, [{ name: 't', partitions: [{ partition: 0, replicas: [1], leader: 1 }] }]);
    expect(move?.toReplicas).toEqual([6]);
  });
});

describe('replicationThrottleFor', () => {
  it('throttles leaders on every current replica and followers on every added one, as kafka-reassign-partitions does', () => {
    const throttle = replicationThrottleFor([
      { topic: 'a', partition: 0, fromReplicas: [1, 3, 5], toReplicas: [2, 4, 6] },
      { topic: 'a', partition: 1, fromReplicas: [3, 5, 2], toReplicas: [2, 4, 6] },
      { topic: 'b', partition: 0, fromReplicas: [2, 4, 6], toReplicas: [4, 6, 2] },
    ]);
    expect(throttle.brokers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(throttle.topics).toEqual([{ topic: 'a', leaderReplicas: '0:1,0:3,0:5,1:3,1:5,1:2', followerReplicas: '0:2,0:4,0:6,1:4,1:6' }]);
  });

  it('a reorder copies nothing and is not throttled', () => {
    expect(replicationThrottleFor([{ topic: 'b', partition: 0, fromReplicas: [2, 4], toReplicas: [4, 2] }])).toEqual({ brokers: [], topics: [] });
    expect(isNoop({ fromReplicas: [2, 4], toReplicas: [2, 4] })).toBe(true);
    expect(isNoop({ fromReplicas: [2, 4], toReplicas: [4, 2] })).toBe(false);
  });
});
