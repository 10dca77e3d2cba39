import { describe, expect, it } from 'vitest';
import type { BrokerCounters } from './broker-scrape';
import { foldObservation, partitionRates, smoothedBrokers, type LoadObservation } from './load-model';

const counters = (over: Partial<BrokerCounters>): BrokerCounters => ({ topicBytesIn: {}, topicBytesOut: {}, networkIn: 0, networkOut: 0, requestHandlerIdle: 0.9, ...over });

/** Broker 1 leads t/0 and t/1; broker 2 leads t/2. */
const observation = (at: number, b1: Partial<BrokerCounters>, b2: Partial<BrokerCounters>, sizes: [number, number, number]): LoadObservation => ({
  at,
  brokers: [
    { nodeId: 1, counters: counters(b1), diskBytes: sizes[0] + sizes[1] },
    { nodeId: 2, counters: counters(b2), diskBytes: sizes[2] },
  ],
  partitions: [
    { topic: 't', partition: 0, leader: 1, replicas: [1, 2], sizeBytes: sizes[0] },
    { topic: 't', partition: 1, leader: 1, replicas: [1, 2], sizeBytes: sizes[1] },
    { topic: 't', partition: 2, leader: 2, replicas: [2, 1], sizeBytes: sizes[2] },
  ],
});

describe('foldObservation', () => {
  it('apportions a topic counter to the partitions its broker leads by log growth, and smooths broker rates', () => {
    let state = foldObservation(undefined, observation(0, { topicBytesIn: { t: 0 }, networkIn: 0 }, { topicBytesIn: { t: 0 } }, [0, 0, 0]), 10_000);
    expect(partitionRates(state, 't', 0)).toEqual({ bytesInPerSecond: 0, bytesOutPerSecond: 0 });
    // 10 s later: broker 1 took 3000 B of produce for t (t/0 grew 2000, t/1 1000), broker 2 took 500.
    state = foldObservation(state, observation(10_000, { topicBytesIn: { t: 3000 }, topicBytesOut: { t: 1000 }, networkIn: 4000 }, { topicBytesIn: { t: 500 } }, [2000, 1000, 500]), 10_000);
    expect(partitionRates(state, 't', 0).bytesInPerSecond).toBeCloseTo(200);
    expect(partitionRates(state, 't', 1).bytesInPerSecond).toBeCloseTo(100);
    expect(partitionRates(state, 't', 2).bytesInPerSecond).toBeCloseTo(50);
    expect(partitionRates(state, 't', 0).bytesOutPerSecond).toBeCloseTo(50);
    const broker1 = smoothedBrokers(state).find((b) => b.nodeId === 1);
    expect(broker1).toMatchObject({ networkInBytesPerSecond: 400, diskBytes: 3000 });
    expect(broker1?.requestHandlerBusy).toBeCloseTo(0.1);

    // One half-life later the rate halves towards the new sample (0 B/s).
    state = foldObservation(state, observation(20_000, { topicBytesIn: { t: 3000 }, topicBytesOut: { t: 1000 }, networkIn: 4000 }, { topicBytesIn: { t: 500 } }, [2000, 1000, 500]), 10_000);
    expect(partitionRates(state, 't', 0).bytesInPerSecond).toBeCloseTo(100);
  });

  it('takes no sample across a counter reset or a failed scrape', () => {
    let state = foldObservation(undefined, observation(0, { networkIn: 5000 }, {}, [0, 0, 0]), 1_000);
    state = foldObservation(state, observation(1_000, { networkIn: 100 }, {}, [0, 0, 0]), 1_000);
    expect(smoothedBrokers(state).find((b) => b.nodeId === 1)?.networkInBytesPerSecond).toBe(0);
    const failed = observation(2_000, {}, {}, [0, 0, 0]);
    failed.brokers[0] = { nodeId: 1, counters: null, diskBytes: 0 };
    state = foldObservation(state, failed, 1_000);
    state = foldObservation(state, observation(3_000, { networkIn: 2100 }, {}, [0, 0, 0]), 1_000);
    // 2000 B over the 2 s since the last good read.
    expect(smoothedBrokers(state).find((b) => b.nodeId === 1)?.networkInBytesPerSecond).toBe(1000);
  });
});
