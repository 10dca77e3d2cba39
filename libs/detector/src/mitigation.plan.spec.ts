import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDrain, planLeadershipOff, planRestore, type PartitionState } from './mitigation.plan';

const CELL = [
  { id: 1, rack: 'az1' },
  { id: 3, rack: 'az2' },
  { id: 5, rack: 'az3' },
  { id: 7, rack: 'az1' },
];
const p = (topic: string, partition: number, replicas: number[], isr = replicas, leader = replicas[0]!): PartitionState => ({ topic, partition, replicas, isr, leader });

describe('planLeadershipOff', () => {
  it('puts an in-sync replica first and the broker last, and elects', () => {
    const plan = planLeadershipOff([p('t', 0, [1, 3, 5]), p('t', 1, [3, 1, 5]), p('t', 2, [3, 5, 1], [3, 5, 1], 1)], 1, new Set());
    expect(plan.moves).toEqual([
      { topic: 't', partition: 0, fromReplicas: [1, 3, 5], toReplicas: [3, 5, 1] },
    ]);
    expect(plan.elect).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }]);
  });

  it('never hands leadership to an out-of-sync replica, and leaves busy partitions and the probe topic alone', () => {
    const plan = planLeadershipOff([p('t', 0, [1, 3, 5], [1]), p('t', 1, [1, 3, 5], [1, 5]), p('u', 0, [1, 3, 5]), p('_cellar-probe', 0, [1])], 1, new Set(['u/0']));
    expect(plan.moves).toEqual([{ topic: 't', partition: 1, fromReplicas: [1, 3, 5], toReplicas: [5, 3, 1] }]);
    expect(plan.skipped.map((s) => `${s.topic}/${s.partition}`)).toEqual(['t/0', 'u/0']);
  });

  it('for any partitions, the new first replica is in sync and never the broker, and the replica set is unchanged', () => {
    const partition = fc.uniqueArray(fc.constantFrom(1, 3, 5, 7), { minLength: 1, maxLength: 3 }).chain((replicas) =>
      fc.subarray(replicas, { minLength: 1 }).map((isr) => p('t', 0, replicas, isr, isr[0]!)),
    );
    fc.assert(
      fc.property(fc.array(partition, { maxLength: 20 }), (parts) => {
        const indexed = parts.map((x, i) => ({ ...x, partition: i }));
        const plan = planLeadershipOff(indexed, 1, new Set());
        for (const move of plan.moves) {
          const before = indexed[move.partition]!;
          expect(move.toReplicas[0]).not.toBe(1);
          expect(before.isr).toContain(move.toReplicas[0]);
          expect([...move.toReplicas].sort()).toEqual([...before.replicas].sort());
        }
      }),
    );
  });
});

describe('planDrain', () => {
  it('replaces the broker with a cell broker on its own rack first, keeping racks apart', () => {
    const plan = planDrain([p('t', 0, [1, 3, 5])], 1, CELL, () => 2, new Set());
    expect(plan.moves).toEqual([{ topic: 't', partition: 0, fromReplicas: [1, 3, 5], toReplicas: [3, 5, 7] }]);
  });

  it('skips partitions under min ISR and those with no free rack', () => {
    const plan = planDrain([p('t', 0, [1, 3, 5], [1]), p('t', 1, [1, 3, 5, 7])], 1, CELL, () => 2, new Set());
    expect(plan.moves).toEqual([]);
    expect(plan.skipped.map((s) => s.why)).toEqual(['under min.insync.replicas (1 in sync)', 'no broker of the cell on a rack the partition does not use']);
  });
});

describe('planRestore', () => {
  it('returns the old order where nobody changed the replicas since', () => {
    const earlier = [
      { topic: 't', partition: 0, fromReplicas: [1, 3, 5], toReplicas: [3, 5, 1] },
      { topic: 't', partition: 1, fromReplicas: [1, 5, 3], toReplicas: [5, 3, 1] },
    ];
    const plan = planRestore([p('t', 0, [3, 5, 1]), p('t', 1, [5, 3, 7])], earlier);
    expect(plan.moves).toEqual([{ topic: 't', partition: 0, fromReplicas: [3, 5, 1], toReplicas: [1, 3, 5] }]);
    expect(plan.skipped).toEqual([{ topic: 't', partition: 1, why: 'replicas changed since the mitigation' }]);
  });
});
