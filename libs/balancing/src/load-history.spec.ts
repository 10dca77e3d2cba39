import { describe, expect, it } from 'vitest';
import { loadHistoryColumns } from './load-history';

const shape = {
  brokers: [
    { nodeId: 1, cellId: 'c1' },
    { nodeId: 2, cellId: 'c2' },
    { nodeId: 3, cellId: 'c1' },
  ],
  cells: [
    { id: 'c1', name: 'cell-1', quarantine: false },
    { id: 'c2', name: 'cell-2', quarantine: true },
  ],
};
const T = 1_800_000_000_000;

describe('loadHistoryColumns', () => {
  it('aligns every series on the same times; a cell and the cluster are their most loaded broker at each point', () => {
    const history = loadHistoryColumns(
      [
        { at: T, nodeId: 1, load: 10 },
        { at: T, nodeId: 2, load: 50.123 },
        { at: T, nodeId: 3, load: 30 },
        { at: T + 10_000, nodeId: 1, load: 40 },
        { at: T + 10_000, nodeId: 3, load: 20 },
      ],
      shape,
      { from: T, to: T + 20_000, bucketSeconds: 10 },
    );
    expect(history.times).toEqual([T / 1000, T / 1000 + 10]);
    expect(history.brokers).toEqual([
      { id: 1, cellId: 'c1', load: [10, 40] },
      { id: 2, cellId: 'c2', load: [50.12, null] },
      { id: 3, cellId: 'c1', load: [30, 20] },
    ]);
    expect(history.cells.map((c) => [c.name, c.load])).toEqual([
      ['cell-1', [30, 40]],
      ['cell-2', [50.12, null]],
    ]);
    expect(history.cluster).toEqual([50.12, 40]);
    expect(history).toMatchObject({ bucketSeconds: 10, from: new Date(T).toISOString() });
  });

  it('breaks the series where sampling stopped for a while, and only there', () => {
    const at = (seconds: number, load: number) => ({ at: T + seconds * 1000, nodeId: 1, load });
    // 10 s buckets: 20 s apart is a missed sample (jitter); 10 minutes apart is a gap.
    const history = loadHistoryColumns([at(0, 10), at(20, 20), at(30, 30), at(630, 40)], shape, { from: T, to: T + 700_000, bucketSeconds: 10 });
    expect(history.times).toEqual([0, 20, 30, 40, 630].map((s) => T / 1000 + s));
    expect(history.brokers[0]!.load).toEqual([10, 20, 30, null, 40]);
    expect(history.cluster).toEqual([10, 20, 30, null, 40]);
    expect(history.cells[0]!.load).toEqual([10, 20, 30, null, 40]);
  });

  it('answers empty series before the first sample, and ignores brokers it was not told about', () => {
    const empty = loadHistoryColumns([], shape, { from: T, to: T + 1, bucketSeconds: 10 });
    expect(empty.times).toEqual([]);
    expect(empty.cluster).toEqual([]);
    expect(empty.brokers.every((b) => b.load.length === 0)).toBe(true);
    const stray = loadHistoryColumns([{ at: T, nodeId: 9, load: 99 }], shape, { from: T, to: T + 1, bucketSeconds: 10 });
    expect(stray.cluster).toEqual([null]);
  });
});
