import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutCells } from './cell-layout';
import { brokersOfCell, fourBrokersTwoRacks, sevenBrokersUnevenRacks, sixBrokersThreeRacks } from './fixtures';
import { placeReplicas } from './replica-placement';
import type { BrokerInfo, BrokerLoad } from './types';
import { thrown } from './test-helpers';

function spread(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** Replicas of one partition per rack, keyed by rack. */
function racksUsed(brokers: readonly BrokerInfo[], replicas: readonly number[]): Map<string, number> {
  const rack = new Map(brokers.map((b) => [b.id, b.rack]));
  const used = new Map<string, number>();
  for (const id of replicas) used.set(rack.get(id) as string, (used.get(rack.get(id) as string) ?? 0) + 1);
  return used;
}

describe('placeReplicas', () => {
  it('places a 6-partition RF 3 topic on an empty six-broker cell one replica per rack, one leader per broker', () => {
    const { assignment, load } = placeReplicas({ brokers: sixBrokersThreeRacks(), partitions: 6, replicationFactor: 3 });
    expect(assignment).toEqual([
      [1, 3, 5],
      [4, 2, 6],
      [5, 1, 4],
      [2, 3, 6],
      [3, 1, 5],
      [6, 2, 4],
    ]);
    expect(load.every((l) => l.replicas === 3 && l.leaders === 1)).toBe(true);
  });

  it('fills uneven racks in proportion to their size', () => {
    // az1 has three brokers, az2 and az3 two: 140 replicas still come out at 20 per broker.
    const { load } = placeReplicas({ brokers: sevenBrokersUnevenRacks(), partitions: 70, replicationFactor: 2 });
    expect(load.map((l) => [l.replicas, l.leaders])).toEqual(new Array(7).fill([20, 10]));
  });

  it('evens out the load a cell already carries', () => {
    const busy: BrokerLoad[] = [
      { brokerId: 1, replicas: 9, leaders: 3 },
      { brokerId: 3, replicas: 9, leaders: 3 },
      { brokerId: 5, replicas: 9, leaders: 3 },
    ];
    const { assignment, load } = placeReplicas({ brokers: sixBrokersThreeRacks(), load: busy, partitions: 9, replicationFactor: 3 });
    // Every new replica lands on the idle brokers 2, 4 and 6 until they catch up.
    expect(new Set(assignment.flat())).toEqual(new Set([2, 4, 6]));
    expect(load.every((l) => l.replicas === 9 && l.leaders === 3)).toBe(true);
  });

  it('puts two replicas in one rack only when RF exceeds the racks, spreading them as evenly as it can', () => {
    const brokers = fourBrokersTwoRacks();
    const { assignment } = placeReplicas({ brokers, partitions: 4, replicationFactor: 3 });
    for (const replicas of assignment) expect([...racksUsed(brokers, replicas).values()].sort()).toEqual([1, 2]);
  });

  it('gives the same assignment whatever order the brokers are listed in, and reports load in that order', () => {
    const brokers = sevenBrokersUnevenRacks();
    const forward = placeReplicas({ brokers, partitions: 20, replicationFactor: 3 });
    const backward = placeReplicas({ brokers: [...brokers].reverse(), partitions: 20, replicationFactor: 3 });
    expect(backward.assignment).toEqual(forward.assignment);
    expect(backward.load).toEqual([...forward.load].reverse());
  });

  it('ignores load reported for brokers outside the cell', () => {
    const outside: BrokerLoad[] = [{ brokerId: 99, replicas: 5, leaders: 5 }];
    expect(placeReplicas({ brokers: sixBrokersThreeRacks(), load: outside, partitions: 2, replicationFactor: 3 }).load.map((l) => l.brokerId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('places nothing for zero partitions', () => {
    expect(placeReplicas({ brokers: sixBrokersThreeRacks(), partitions: 0, replicationFactor: 3 }).assignment).toEqual([]);
  });

  it('answers replication_factor_too_large (422) when the cell has fewer brokers than RF', () => {
    const error = thrown(() => placeReplicas({ brokers: fourBrokersTwoRacks(), partitions: 1, replicationFactor: 5 }));
    expect(error.code).toBe('replication_factor_too_large');
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('replication factor 5 needs 5 brokers, but the cell has 4');
    expect(error.details).toEqual({ replicationFactor: 5, brokers: 4 });
  });

  it('rejects malformed requests with invalid_placement_request', () => {
    const brokers = sixBrokersThreeRacks();
    const bad = [
      { brokers: [], partitions: 1, replicationFactor: 1 },
      { brokers: [...brokers, { id: 1, rack: 'az9' }], partitions: 1, replicationFactor: 1 },
      { brokers, partitions: -1, replicationFactor: 1 },
      { brokers, partitions: 1, replicationFactor: 0 },
      { brokers, partitions: 1, replicationFactor: 1, load: [{ brokerId: 1, replicas: -1, leaders: 0 }] },
      { brokers, partitions: 1, replicationFactor: 1, load: [{ brokerId: 1, replicas: 1, leaders: 0 }, { brokerId: 1, replicas: 1, leaders: 0 }] },
    ];
    for (const request of bad) expect(thrown(() => placeReplicas(request)).code).toBe('invalid_placement_request');
  });
});

/** A cell: 1..5 racks of 1..6 brokers each (all the same size when `balanced`), distinct ids, any order. */
function cellArbitrary(balanced: boolean) {
  const sizes = balanced
    ? fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 })).map(([racks, size]) => new Array<number>(racks).fill(size))
    : fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 });
  return sizes.chain((rackSizes) => {
    const total = rackSizes.reduce((a, b) => a + b, 0);
    const racks = rackSizes.flatMap((size, rack) => new Array<string>(size).fill(`az${rack}`));
    return fc
      .uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: total, maxLength: total })
      .map((ids) => ids.map((id, i) => ({ id, rack: racks[i] as string })));
  });
}

function requestArbitrary(balanced: boolean, withLoad: boolean) {
  return cellArbitrary(balanced).chain((brokers) =>
    fc.record({
      brokers: fc.constant(brokers),
      replicationFactor: fc.integer({ min: 1, max: brokers.length }),
      partitions: fc.integer({ min: 0, max: 60 }),
      load: withLoad
        ? fc.array(fc.record({ brokerId: fc.constantFrom(...brokers.map((b) => b.id)), replicas: fc.nat(50), leaders: fc.nat(20) }), { maxLength: 8 }).map((entries) => [
            ...new Map(entries.map((e) => [e.brokerId, e])).values(),
          ])
        : fc.constant(undefined),
    }),
  );
}

describe('placeReplicas properties', () => {
  it('never places a replica outside the cell nor twice on one broker, and accounts for every replica', () => {
    fc.assert(
      fc.property(requestArbitrary(false, true), (request) => {
        const { assignment, load } = placeReplicas(request);
        const cell = new Set(request.brokers.map((b) => b.id));
        expect(assignment).toHaveLength(request.partitions);
        for (const replicas of assignment) {
          expect(replicas).toHaveLength(request.replicationFactor);
          expect(new Set(replicas).size).toBe(replicas.length);
          for (const id of replicas) expect(cell.has(id)).toBe(true);
        }
        const before = (id: number) => request.load?.find((l) => l.brokerId === id);
        for (const l of load) {
          expect(l.replicas - (before(l.brokerId)?.replicas ?? 0)).toBe(assignment.filter((r) => r.includes(l.brokerId)).length);
          expect(l.leaders - (before(l.brokerId)?.leaders ?? 0)).toBe(assignment.filter((r) => r[0] === l.brokerId).length);
        }
      }),
    );
  });

  it('never puts two replicas of a partition in one rack while racks >= RF, and spreads them evenly when RF > racks', () => {
    fc.assert(
      fc.property(requestArbitrary(false, true), (request) => {
        const rackCount = new Set(request.brokers.map((b) => b.rack)).size;
        const rackSize = new Map<string, number>();
        for (const b of request.brokers) rackSize.set(b.rack, (rackSize.get(b.rack) ?? 0) + 1);
        for (const replicas of placeReplicas(request).assignment) {
          const used = racksUsed(request.brokers, replicas);
          if (rackCount >= request.replicationFactor) expect(Math.max(...used.values())).toBe(1);
          // As even as the racks allow: a rack holds two more than another only if that other is full.
          for (const [rack, size] of rackSize) {
            const fewer = used.get(rack) ?? 0;
            if (fewer < size) for (const more of used.values()) expect(more).toBeLessThanOrEqual(fewer + 1);
          }
        }
      }),
    );
  });

  it('on an empty cell leader counts differ by at most one', () => {
    fc.assert(
      fc.property(requestArbitrary(false, false), (request) => {
        expect(spread(placeReplicas(request).load.map((l) => l.leaders))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('on an empty cell with equal racks replica counts differ by at most one too', () => {
    fc.assert(
      fc.property(requestArbitrary(true, false), (request) => {
        const { load } = placeReplicas(request);
        expect(spread(load.map((l) => l.replicas))).toBeLessThanOrEqual(1);
        expect(spread(load.map((l) => l.leaders))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps leader and replica counts within one when topics arrive one after another', () => {
    fc.assert(
      fc.property(
        cellArbitrary(true),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 3 }),
        (brokers, topics, rf) => {
          const replicationFactor = Math.min(rf, brokers.length);
          let load: BrokerLoad[] | undefined;
          for (const partitions of topics) load = placeReplicas({ brokers, load, partitions, replicationFactor }).load;
          expect(spread((load ?? []).map((l) => l.leaders))).toBeLessThanOrEqual(1);
          expect(spread((load ?? []).map((l) => l.replicas))).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('placeReplicas on cells from layoutCells', () => {
  it('keeps every replica inside the cell it was placed in, for every cell of a laid-out cluster', () => {
    fc.assert(
      fc.property(cellArbitrary(false), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 30 }), (brokers, rf, partitions) => {
        for (const cell of layoutCells(brokers)) {
          const members = brokersOfCell(brokers, cell);
          const replicationFactor = Math.min(rf, members.length);
          const inCell = new Set(cell.brokerIds);
          for (const replicas of placeReplicas({ brokers: members, partitions, replicationFactor }).assignment) {
            for (const id of replicas) expect(inCell.has(id)).toBe(true);
          }
        }
      }),
    );
  });
});
