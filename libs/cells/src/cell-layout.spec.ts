import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertValidCells, layoutCells, validateCells } from './cell-layout';
import { sevenBrokersUnevenRacks, sixBrokersThreeRacks, twentyFourBrokersThreeRacks } from './fixtures';
import type { BrokerInfo } from './types';
import { thrown } from './test-helpers';

function racksOf(brokers: readonly BrokerInfo[], ids: readonly number[]): string[] {
  const rack = new Map(brokers.map((b) => [b.id, b.rack]));
  return ids.map((id) => rack.get(id) ?? '?');
}

describe('layoutCells', () => {
  it('splits the local six-broker cluster into two cells with one broker per rack', () => {
    expect(layoutCells(sixBrokersThreeRacks())).toEqual([
      { id: 'cell-1', brokerIds: [1, 3, 5] },
      { id: 'cell-2', brokerIds: [2, 4, 6] },
    ]);
  });

  it('cuts Kora-sized cells of six from 24 brokers, two per rack in each', () => {
    const brokers = twentyFourBrokersThreeRacks();
    const cells = layoutCells(brokers, { brokersPerCell: 6 });
    expect(cells).toHaveLength(4);
    for (const cell of cells) {
      expect(cell.brokerIds).toHaveLength(6);
      expect(racksOf(brokers, cell.brokerIds).sort()).toEqual(['az1', 'az1', 'az2', 'az2', 'az3', 'az3']);
    }
  });

  it('gives the extra broker of a larger rack to the smaller cell so sizes differ by at most one', () => {
    // az1 has 1,2,3; az2 has 4,5; az3 has 6,7.
    expect(layoutCells(sevenBrokersUnevenRacks())).toEqual([
      { id: 'cell-1', brokerIds: [1, 2, 4, 6] },
      { id: 'cell-2', brokerIds: [3, 5, 7] },
    ]);
  });

  it('does not depend on the order brokers are listed in', () => {
    const brokers = twentyFourBrokersThreeRacks();
    expect(layoutCells([...brokers].reverse(), { cellCount: 4 })).toEqual(layoutCells(brokers, { cellCount: 4 }));
  });

  it('uses the id prefix it is given', () => {
    expect(layoutCells(sixBrokersThreeRacks(), { cellCount: 1, idPrefix: 'c' }).map((c) => c.id)).toEqual(['c1']);
  });

  it('refuses more cells than the smallest rack has brokers, naming the short rack', () => {
    const error = thrown(() => layoutCells(sevenBrokersUnevenRacks(), { cellCount: 3 }));
    expect(error.code).toBe('cell_layout_impossible');
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/az2 has 2, az3 has 2/);
    expect(error.details).toMatchObject({ cellCount: 3, shortRacks: [{ rack: 'az2', brokers: 2 }, { rack: 'az3', brokers: 2 }] });
  });

  it('refuses cells smaller than the number of racks', () => {
    expect(thrown(() => layoutCells(sixBrokersThreeRacks(), { brokersPerCell: 2 })).message).toMatch(/at least 3 \(one broker per rack\)/);
  });

  it('refuses both options at once, no brokers, and duplicate or rackless brokers', () => {
    expect(thrown(() => layoutCells(sixBrokersThreeRacks(), { cellCount: 2, brokersPerCell: 3 })).code).toBe('cell_layout_impossible');
    expect(thrown(() => layoutCells([])).message).toMatch(/no brokers/);
    expect(thrown(() => layoutCells([{ id: 1, rack: 'a' }, { id: 1, rack: 'b' }])).message).toMatch(/broker 1 is listed twice/);
    expect(thrown(() => layoutCells([{ id: 1, rack: '' }])).message).toMatch(/broker 1 has no rack/);
    expect(thrown(() => layoutCells(sixBrokersThreeRacks(), { cellCount: 0 })).message).toMatch(/positive integer/);
  });
});

describe('validateCells', () => {
  const brokers = sixBrokersThreeRacks();

  it('accepts a layout where every cell spans every rack, leaving spare brokers out', () => {
    expect(validateCells(brokers, [{ id: 'a', brokerIds: [1, 3, 5] }])).toEqual([]);
    expect(validateCells(brokers, [{ id: 'a', brokerIds: [1, 3, 5] }, { id: 'q', brokerIds: [2, 4, 6], quarantine: true }])).toEqual([]);
  });

  it('lists every problem with a stable code', () => {
    const violations = validateCells(brokers, [
      { id: 'a', brokerIds: [1, 3] },
      { id: 'b', brokerIds: [3, 4, 5, 6, 2, 9], quarantine: true },
      { id: 'b', brokerIds: [], quarantine: true },
    ]);
    expect(violations.map((v) => [v.code, v.cellId, v.brokerId ?? v.rack])).toEqual([
      ['missing_rack', 'a', 'az3'],
      ['broker_listed_twice', 'b', 3],
      ['unknown_broker', 'b', 9],
      ['duplicate_cell_id', 'b', undefined],
      ['empty_cell', 'b', undefined],
      ['several_quarantine_cells', undefined, undefined],
    ]);
    expect(violations[1]?.message).toBe('broker 3 is listed in cells a and b');
  });

  it('flags a broker listed twice in the same cell', () => {
    expect(validateCells(brokers, [{ id: 'a', brokerIds: [1, 1, 3, 5] }])[0]?.message).toBe('broker 1 is listed twice in cell a');
  });

  it('assertValidCells throws invalid_cell_layout with every violation in the details', () => {
    const error = thrown(() => assertValidCells(brokers, [{ id: 'a', brokerIds: [1] }]));
    expect(error.code).toBe('invalid_cell_layout');
    expect(error.status).toBe(422);
    expect(error.message).toBe('invalid cell layout: cell a has no broker in rack az2; cell a has no broker in rack az3');
    expect((error.details?.['violations'] as unknown[]).length).toBe(2);
    expect(() => assertValidCells(brokers, layoutCells(brokers))).not.toThrow();
  });
});

/** A cluster whose every rack has at least `cellCount` brokers, with arbitrary distinct ids, listed in any order. */
const clusterWithCellCount = fc
  .record({ cellCount: fc.integer({ min: 1, max: 4 }), extras: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }) })
  .chain(({ cellCount, extras }) => {
    const total = extras.reduce((sum, extra) => sum + cellCount + extra, 0);
    return fc
      .record({
        ids: fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: total, maxLength: total }),
        order: fc.shuffledSubarray(Array.from({ length: total }, (_, i) => i), { minLength: total, maxLength: total }),
      })
      .map(({ ids, order }) => {
        const racks = extras.flatMap((extra, rack) => Array.from({ length: cellCount + extra }, () => `rack-${rack}`));
        const brokers = order.map((i) => ({ id: ids[i] as number, rack: racks[i] as string }));
        return { cellCount, brokers };
      });
  });

describe('layoutCells properties', () => {
  it('validateCells accepts every layout layoutCells makes when each rack has >= cellCount brokers', () => {
    fc.assert(
      fc.property(clusterWithCellCount, ({ cellCount, brokers }) => {
        const cells = layoutCells(brokers, { cellCount });
        expect(cells).toHaveLength(cellCount);
        expect(validateCells(brokers, cells)).toEqual([]);
      }),
    );
  });

  it('puts every broker in exactly one cell, and cell sizes differ by at most one', () => {
    fc.assert(
      fc.property(clusterWithCellCount, ({ cellCount, brokers }) => {
        const cells = layoutCells(brokers, { cellCount });
        const placed = cells.flatMap((c) => c.brokerIds).sort((a, b) => a - b);
        expect(placed).toEqual(brokers.map((b) => b.id).sort((a, b) => a - b));
        const sizes = cells.map((c) => c.brokerIds.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('the default layout is the largest count of rack-spanning cells, whatever the input order', () => {
    fc.assert(
      fc.property(clusterWithCellCount, ({ brokers }) => {
        const cells = layoutCells(brokers);
        const perRack = new Map<string, number>();
        for (const b of brokers) perRack.set(b.rack, (perRack.get(b.rack) ?? 0) + 1);
        expect(cells).toHaveLength(Math.min(...perRack.values()));
        expect(validateCells(brokers, cells)).toEqual([]);
        expect(layoutCells([...brokers].sort((a, b) => b.id - a.id))).toEqual(cells);
      }),
    );
  });
});
