import { describe, expect, it } from 'vitest';
import { chooseCell, type ClusterCells } from './logical-cluster.placement';

const cell = (id: string, capacityCkus: number, committedCkus: number, quarantine = false) => ({ id, capacityCkus, committedCkus, quarantine });

describe('chooseCell', () => {
  it('takes the least utilised choice across the clusters of the region', () => {
    const clusters: ClusterCells[] = [
      { physicalClusterId: 'pkc-a', cells: [cell('a1', 12, 10), cell('a2', 12, 9)] },
      { physicalClusterId: 'pkc-b', cells: [cell('b1', 12, 2), cell('b2', 12, 1)] },
    ];
    const placement = chooseCell('eu', clusters, 2, 'lkc-aaaaaa');
    expect(placement).toMatchObject({ physicalClusterId: 'pkc-b', cellId: 'b2', capacityCkus: 12, utilisationAfter: 3 / 12 });
    expect(placement.candidates.map((c) => c.physicalClusterId).sort()).toEqual(['pkc-a', 'pkc-a', 'pkc-b', 'pkc-b']);
  });

  it('never places into a quarantine cell', () => {
    const clusters: ClusterCells[] = [{ physicalClusterId: 'pkc-a', cells: [cell('q', 12, 0, true), cell('r', 12, 8)] }];
    expect(chooseCell('eu', clusters, 2, 'seed').cellId).toBe('r');
  });

  it('is deterministic for a seed', () => {
    const clusters: ClusterCells[] = [{ physicalClusterId: 'p', cells: ['c1', 'c2', 'c3', 'c4'].map((id) => cell(id, 12, 0)) }];
    expect(chooseCell('eu', clusters, 1, 'lkc-x').cellId).toBe(chooseCell('eu', [...clusters].reverse(), 1, 'lkc-x').cellId);
  });

  it('answers region_not_served when no cluster of the region has a regular cell', () => {
    expect(() => chooseCell('eu', [], 1, 's')).toThrow(expect.objectContaining({ code: 'region_not_served', status: 422 }));
    expect(() => chooseCell('eu', [{ physicalClusterId: 'p', cells: [cell('q', 12, 0, true)] }], 1, 's')).toThrow(
      expect.objectContaining({ code: 'region_not_served' }),
    );
  });

  it('answers no_capacity with the largest free room when nothing fits', () => {
    const clusters: ClusterCells[] = [
      { physicalClusterId: 'p', cells: [cell('c1', 12, 11), cell('c2', 12, 9)] },
      { physicalClusterId: 'r', cells: [cell('d1', 4, 0)] },
    ];
    expect(() => chooseCell('eu', clusters, 5, 's')).toThrow(
      expect.objectContaining({ code: 'no_capacity', status: 409, details: { region: 'eu', requestedCkus: 5, largestFreeCkus: 4 } }),
    );
  });
});
