/**
 * Time-aware exponentially weighted moving average. A sample taken `dtMs` after the previous
 * one gets weight `1 - 2^(-dtMs / halfLifeMs)`: after one half-life the old value counts for
 * half, whatever the sampling interval was. A late or early round therefore weighs what its
 * elapsed time deserves, unlike a fixed alpha per sample.
 *
 * `prev` undefined (or NaN) starts the average at the sample; `dtMs <= 0` keeps `prev`
 * (a duplicate sample); `halfLifeMs <= 0` means no smoothing.
 */
export function ewma(prev: number | undefined, sample: number, dtMs: number, halfLifeMs: number): number {
  if (prev === undefined || Number.isNaN(prev)) return sample;
  if (halfLifeMs <= 0) return sample;
  if (!(dtMs > 0)) return prev;
  const weight = 1 - Math.pow(2, -dtMs / halfLifeMs);
  return prev + weight * (sample - prev);
}

/** A smoothed value and when its last sample was taken (ms since the epoch): JSON-serialisable. */
export interface EwmaState {
  value: number;
  at: number;
}

/** Folds a sample taken at `at` into `state`; samples older than the state are ignored. */
export function updateEwma(state: EwmaState | undefined, sample: number, at: number, halfLifeMs: number): EwmaState {
  if (state === undefined) return { value: sample, at };
  if (at <= state.at) return state;
  return { value: ewma(state.value, sample, at - state.at, halfLifeMs), at };
}
