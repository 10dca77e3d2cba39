import { describe, expect, it } from 'vitest';
import { partitionOn, sixBrokersTwoCells, standardCapacity } from './fixtures';
import { brokerLoad, partitionTraffic, predictRequestHandlerBusy, summarizeCells } from './load-model';
import { predictLoads } from './predict-loads';

const MB = 1_000_000;
const GB = 1_000_000_000;

describe('brokerLoad', () => {
  const capacity = standardCapacity(); // 100 MB/s in, 300 MB/s out

  it('is the most saturated resource: network in, network out or request handlers', () => {
    expect(brokerLoad({ networkInBytesPerSecond: 40 * MB, networkOutBytesPerSecond: 60 * MB, requestHandlerBusy: 0.1 }, capacity)).toBeCloseTo(40, 9);
    expect(brokerLoad({ networkInBytesPerSecond: 10 * MB, networkOutBytesPerSecond: 150 * MB, requestHandlerBusy: 0.1 }, capacity)).toBeCloseTo(50, 9);
    expect(brokerLoad({ networkInBytesPerSecond: 10 * MB, networkOutBytesPerSecond: 30 * MB, requestHandlerBusy: 0.7 }, capacity)).toBeCloseTo(70, 9);
  });

  it('stays within 0..100 even over capacity', () => {
    expect(brokerLoad({ networkInBytesPerSecond: 250 * MB, networkOutBytesPerSecond: 0, requestHandlerBusy: 0 }, capacity)).toBe(100);
    expect(brokerLoad({ networkInBytesPerSecond: 0, networkOutBytesPerSecond: 0, requestHandlerBusy: 0 }, capacity)).toBe(0);
  });
});

describe('load prediction from partitions', () => {
  it('puts bytes in on every replica and bytes out plus replication out on the leader', () => {
    expect(partitionTraffic({ bytesInPerSecond: 2 * MB, bytesOutPerSecond: 5 * MB, replicas: [1, 3, 5] })).toEqual({ replicaIn: 2 * MB, leaderOut: 9 * MB });
    expect(partitionTraffic({ bytesInPerSecond: 2 * MB, bytesOutPerSecond: 5 * MB, replicas: [1] })).toEqual({ replicaIn: 2 * MB, leaderOut: 5 * MB });
  });

  it('sums partitions per broker; a cell is as loaded as its most loaded broker', () => {
    const brokers = sixBrokersTwoCells();
    const partitions = [
      partitionOn('a', 0, [1, 3, 5], { cellId: 'cell-1', bytesInPerSecond: 10 * MB, bytesOutPerSecond: 30 * MB, sizeBytes: 100 * GB }),
      partitionOn('a', 1, [3, 5, 1], { cellId: 'cell-1', bytesInPerSecond: 10 * MB, bytesOutPerSecond: 30 * MB, sizeBytes: 100 * GB }),
    ];
    const summary = predictLoads(brokers, partitions);
    const b1 = summary.brokers.find((b) => b.id === 1)!;
    expect(b1.bytesInPerSecond).toBe(20 * MB);
    expect(b1.bytesOutPerSecond).toBe(50 * MB); // 30 out + 2 × 10 replication
    expect(b1.load).toBeCloseTo(20, 9); // in 20% beats out 16.7%
    expect(b1.leaders).toBe(1);
    expect(b1.replicas).toBe(2);
    expect(b1.diskBytes).toBe(200 * GB);
    expect(summary.brokers.find((b) => b.id === 5)!.load).toBeCloseTo(20, 9);
    expect(summary.cells.map((c) => [c.cellId, c.load])).toEqual([
      ['cell-1', summary.brokers.find((b) => b.id === 1)!.load],
      ['cell-2', 0],
    ]);
    expect(summary.max).toBeCloseTo(20, 9);
  });

  it('predicts request-handler busy at the broker\u2019s own cost per byte, clamped to 0..1', () => {
    expect(predictRequestHandlerBusy(0.4, 100, 150, 0.4 / 100)).toBeCloseTo(0.6, 9);
    expect(predictRequestHandlerBusy(0.4, 100, 0, 0.4 / 100)).toBeCloseTo(0, 9);
    expect(predictRequestHandlerBusy(0.9, 100, 200, 0.9 / 100)).toBe(1);
  });

  it('summarizeCells leaves brokers that do not count out of the mean but not out of the max', () => {
    const cells = summarizeCells([
      { cellId: 'c', load: 80, countsInMean: false },
      { cellId: 'c', load: 20 },
      { cellId: 'c', load: 40 },
    ]);
    expect(cells).toEqual([{ cellId: 'c', load: 80, mean: 30, maxOverMean: 80 / 30, min: 20 }]);
  });
});
