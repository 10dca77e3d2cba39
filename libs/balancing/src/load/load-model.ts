import { updateEwma, type EwmaState } from '@cellar/planner';
import type { BrokerCounters } from './broker-scrape';

/** One sampling round of a physical cluster: broker counters (null: scrape failed) and partition metadata. */
export interface LoadObservation {
  /** ms since the epoch */
  at: number;
  brokers: { nodeId: number; counters: BrokerCounters | null; diskBytes: number }[];
  partitions: { topic: string; partition: number; leader: number; replicas: number[]; sizeBytes: number }[];
}

interface BrokerState {
  /** The last counters read and when (rates need two). */
  counters: Pick<BrokerCounters, 'networkIn' | 'networkOut' | 'topicBytesIn' | 'topicBytesOut'> | null;
  countersAt: number;
  diskBytes: number;
  networkIn?: EwmaState;
  networkOut?: EwmaState;
  requestHandlerBusy?: EwmaState;
}

interface PartitionState {
  /** Leader's log size at the last round (its growth apportions the topic's bytes in). */
  sizeBytes: number;
  bytesIn?: EwmaState;
  bytesOut?: EwmaState;
}

/** The smoothed load of one cluster, JSON-serialisable so any balancer process can carry it on. */
export interface LoadState {
  at: number;
  /** Rounds folded in; rates exist from the second. */
  rounds: number;
  brokers: Record<string, BrokerState>;
  partitions: Record<string, PartitionState>;
}

export interface SmoothedBroker {
  nodeId: number;
  networkInBytesPerSecond: number;
  networkOutBytesPerSecond: number;
  requestHandlerBusy: number;
  diskBytes: number;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Folds one observation into the smoothed state (EWMA with `halfLifeMs`, time-aware).
 *
 * Per-partition bytes in come from the per-topic BytesInPerSec counter of the partition's
 * leader (produce is counted where it is led), split over the topic's partitions that
 * broker leads in proportion to their log growth since the last round, or evenly when no
 * log grew (retention deleting segments, or no traffic). The counter is exact about the
 * total and cheap to read; log growth alone would miss bytes when segments roll off and
 * lags by the flush, but it tells the partitions of a topic apart where the counter cannot.
 * Bytes out (consumer fetches, replication excluded) are split evenly: fetches do not follow
 * log growth. Counter resets (a restarted broker) give no sample for that round.
 */
export function foldObservation(previous: LoadState | undefined, observation: LoadObservation, halfLifeMs: number): LoadState {
  const at = observation.at;
  const next: LoadState = { at, rounds: (previous?.rounds ?? 0) + 1, brokers: {}, partitions: {} };
  const ledBy = new Map<string, { topic: string; partition: number }[]>();
  for (const p of observation.partitions) {
    const list = ledBy.get(`${p.leader}|${p.topic}`) ?? [];
    list.push(p);
    ledBy.set(`${p.leader}|${p.topic}`, list);
  }
  const sizeNow = new Map(observation.partitions.map((p) => [key(p.topic, p.partition), p.sizeBytes]));
  const inSample = new Map<string, number>();
  const outSample = new Map<string, number>();

  for (const broker of observation.brokers) {
    const before = previous?.brokers[String(broker.nodeId)];
    const state: BrokerState = { ...before, counters: before?.counters ?? null, countersAt: before?.countersAt ?? at, diskBytes: broker.diskBytes };
    next.brokers[String(broker.nodeId)] = state;
    const counters = broker.counters;
    if (!counters) continue;
    if (counters.requestHandlerIdle !== null) state.requestHandlerBusy = updateEwma(before?.requestHandlerBusy, clamp01(1 - counters.requestHandlerIdle), at, halfLifeMs);
    const prev = before?.counters;
    const dtSeconds = (at - (before?.countersAt ?? at)) / 1000;
    state.counters = { networkIn: counters.networkIn, networkOut: counters.networkOut, topicBytesIn: counters.topicBytesIn, topicBytesOut: counters.topicBytesOut };
    state.countersAt = at;
    if (!prev || dtSeconds <= 0) continue;
    const rate = (now: number, then: number | undefined) => (then === undefined || now < then ? null : (now - then) / dtSeconds);
    const netIn = rate(counters.networkIn, prev.networkIn);
    const netOut = rate(counters.networkOut, prev.networkOut);
    if (netIn !== null) state.networkIn = updateEwma(before?.networkIn, netIn, at, halfLifeMs);
    if (netOut !== null) state.networkOut = updateEwma(before?.networkOut, netOut, at, halfLifeMs);

    for (const [groupKey, partitions] of ledBy) {
      const [leader, topic] = splitOnce(groupKey);
      if (Number(leader) !== broker.nodeId) continue;
      const topicIn = rate(counters.topicBytesIn[topic] ?? 0, prev.topicBytesIn[topic] ?? 0) ?? 0;
      const topicOut = rate(counters.topicBytesOut[topic] ?? 0, prev.topicBytesOut[topic] ?? 0) ?? 0;
      const growth = partitions.map((p) => Math.max(0, (sizeNow.get(key(p.topic, p.partition)) ?? 0) - (previous?.partitions[key(p.topic, p.partition)]?.sizeBytes ?? Infinity)));
      const totalGrowth = growth.reduce((a, b) => a + b, 0);
      partitions.forEach((p, index) => {
        const share = totalGrowth > 0 ? (growth[index] as number) / totalGrowth : 1 / partitions.length;
        inSample.set(key(p.topic, p.partition), topicIn * share);
        outSample.set(key(p.topic, p.partition), topicOut / partitions.length);
      });
    }
  }

  for (const p of observation.partitions) {
    const k = key(p.topic, p.partition);
    const before = previous?.partitions[k];
    const state: PartitionState = { ...before, sizeBytes: p.sizeBytes };
    const bytesIn = inSample.get(k);
    const bytesOut = outSample.get(k);
    if (bytesIn !== undefined) state.bytesIn = updateEwma(before?.bytesIn, bytesIn, at, halfLifeMs);
    if (bytesOut !== undefined) state.bytesOut = updateEwma(before?.bytesOut, bytesOut, at, halfLifeMs);
    next.partitions[k] = state;
  }
  return next;
}

/** A partition's smoothed bytes in/out per second (0 until measured). */
export function partitionRates(state: LoadState | undefined, topic: string, partition: number): { bytesInPerSecond: number; bytesOutPerSecond: number } {
  const p = state?.partitions[key(topic, partition)];
  return { bytesInPerSecond: p?.bytesIn?.value ?? 0, bytesOutPerSecond: p?.bytesOut?.value ?? 0 };
}

export function smoothedBrokers(state: LoadState): SmoothedBroker[] {
  return Object.entries(state.brokers).map(([nodeId, b]) => ({
    nodeId: Number(nodeId),
    networkInBytesPerSecond: b.networkIn?.value ?? 0,
    networkOutBytesPerSecond: b.networkOut?.value ?? 0,
    requestHandlerBusy: b.requestHandlerBusy?.value ?? 0,
    diskBytes: b.diskBytes,
  }));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function splitOnce(value: string): [string, string] {
  const i = value.indexOf('|');
  return [value.slice(0, i), value.slice(i + 1)];
}
