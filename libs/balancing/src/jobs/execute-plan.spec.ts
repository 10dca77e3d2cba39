import type { PartitionMove } from '@cellar/db';
import { describe, expect, it } from 'vitest';
import { nextBatch, progressOf } from './execute-plan.job';

const move = (id: string, fromReplicas: number[], toReplicas: number[], kind: 'LEADERSHIP' | 'REPLICA' = 'REPLICA', state: PartitionMove['state'] = 'PENDING', bytes = 100n) =>
  ({ id, fromReplicas, toReplicas, kind, state, bytes }) as PartitionMove;

describe('nextBatch', () => {
  it('takes every leadership move and replica moves while no broker copies more than the limit', () => {
    const pending = [
      move('a', [1, 3], [5, 3]),
      move('b', [1, 3], [1, 5]),
      move('c', [3, 1], [1, 3], 'LEADERSHIP'),
      move('d', [2, 4], [6, 4]),
      move('e', [1, 4], [5, 4]),
    ];
    // Broker 5 receives a and b; with one move per broker only a goes, and d (disjoint brokers).
    expect(nextBatch(pending, 1).map((m) => m.id)).toEqual(['a', 'c', 'd']);
    expect(nextBatch(pending, 2).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('progressOf', () => {
  it('counts moves by state and the bytes of the finished ones', () => {
    expect(progressOf([move('a', [1], [2], 'REPLICA', 'DONE', 50n), move('b', [1], [2], 'REPLICA', 'IN_PROGRESS', 70n), move('c', [1], [2], 'REPLICA', 'CANCELLED', 10n)])).toEqual({
      moves: 3,
      done: 1,
      cancelled: 1,
      pending: 0,
      inProgress: 1,
      bytesMoved: 50,
      bytesPlanned: 130,
    });
  });
});
