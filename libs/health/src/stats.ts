/** Robust statistics over small samples (a cluster's brokers, a broker's recent rounds). */

/** Median of `values`; null for an empty list. Does not modify its input. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  // A typed array sorts numerically without a comparator: several times faster, and this runs
  // for every signal of every broker every round.
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation around the median; null for an empty list. */
export function medianAbsoluteDeviation(values: readonly number[]): number | null {
  const m = median(values);
  if (m === null) return null;
  return median(values.map((v) => Math.abs(v - m)));
}

/** 1.4826 · MAD estimates the standard deviation of normally distributed values. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Robust z-score of `value` against a sample with this median and MAD. The spread is floored at
 * `minScale` so that identical peers (MAD 0) do not turn every tiny difference into infinity.
 */
export function robustZScore(value: number, med: number, mad: number, minScale: number): number {
  return (value - med) / Math.max(MAD_TO_SIGMA * mad, minScale);
}

/** Rounded for storage: evidence and history are stored every round, full doubles are noise. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Appends to a bounded ring buffer kept as a plain array (oldest first), returning a new array. */
export function pushBounded(buffer: readonly number[] | undefined, value: number, capacity: number): number[] {
  const next = [...(buffer ?? []), value];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}
