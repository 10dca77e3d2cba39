import type { UsageSample } from '@cellar/db';

/**
 * Ingress and egress rates of a logical cluster between its latest two usage samples (newest
 * first); null until there are two. Broker counters restart with the broker: a negative
 * difference is a reset, not negative traffic, and counts as 0.
 */
export function throughputOf(samples: readonly Pick<UsageSample, 'at' | 'bytesIn' | 'bytesOut'>[]): { ingressBytesPerSecond: number; egressBytesPerSecond: number } | null {
  const [latest, previous] = samples;
  if (!latest || !previous) return null;
  const seconds = (latest.at.getTime() - previous.at.getTime()) / 1000;
  if (seconds <= 0) return null;
  const rate = (now: bigint, before: bigint) => Math.max(0, Number(now - before) / seconds);
  return { ingressBytesPerSecond: rate(latest.bytesIn, previous.bytesIn), egressBytesPerSecond: rate(latest.bytesOut, previous.bytesOut) };
}
