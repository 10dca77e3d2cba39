import { describe, expect, it } from 'vitest';
import { isNoop, moveKind } from './move';
import { brokersOf, replicationThrottleFor } from './throttle';

describe('replicationThrottleFor', () => {
  it('throttles the current replicas as leaders and the added ones as followers, per topic', () => {
    const throttle = replicationThrottleFor([
      { topic: 'b', partition: 0, fromReplicas: [1, 3, 5], toReplicas: [2, 3, 5] },
      { topic: 'a', partition: 1, fromReplicas: [1, 3], toReplicas: [4, 6] },
      { topic: 'a', partition: 2, fromReplicas: [3, 1], toReplicas: [1, 3] },
    ]);
    expect(throttle.brokers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(throttle.topics).toEqual([
      { topic: 'a', leaderReplicas: '1:1,1:3', followerReplicas: '1:4,1:6' },
      { topic: 'b', leaderReplicas: '0:1,0:3,0:5', followerReplicas: '0:2' },
    ]);
  });

  it('needs no throttle for leadership moves', () => {
    expect(replicationThrottleFor([{ topic: 'a', partition: 0, fromReplicas: [1, 3], toReplicas: [3, 1] }])).toEqual({ brokers: [], topics: [] });
  });
});

describe('moveKind and isNoop', () => {
  it('tells a reorder from a replica change from nothing at all', () => {
    expect(moveKind({ fromReplicas: [1, 3, 5], toReplicas: [3, 1, 5] })).toBe('LEADERSHIP');
    expect(moveKind({ fromReplicas: [1, 3, 5], toReplicas: [2, 3, 5] })).toBe('REPLICA');
    expect(isNoop({ fromReplicas: [1, 3], toReplicas: [1, 3] })).toBe(true);
    expect(isNoop({ fromReplicas: [1, 3], toReplicas: [3, 1] })).toBe(false);
    expect(brokersOf([{ fromReplicas: [5, 1], toReplicas: [2, 1] }])).toEqual([1, 2, 5]);
  });
});
