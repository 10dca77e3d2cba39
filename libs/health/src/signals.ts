import type { AssessmentConfig } from './config';
import type { BrokerObservation, FlagKind, JudgedSignal } from './types';

/** Which thresholds group a judged signal uses, and which kind of trouble it reveals. */
export interface SignalSpec {
  thresholds: 'probeLatency' | 'requestTime' | 'requestQueue' | 'threadBusy' | 'logFlush';
  kind: Extract<FlagKind, 'slow' | 'storageStalled'>;
}

export const SIGNAL_SPECS: Record<JudgedSignal, SignalSpec> = {
  produceMs: { thresholds: 'probeLatency', kind: 'slow' },
  fetchMs: { thresholds: 'probeLatency', kind: 'slow' },
  requestMs: { thresholds: 'probeLatency', kind: 'slow' },
  produceTimeMeanMs: { thresholds: 'requestTime', kind: 'slow' },
  fetchTimeMeanMs: { thresholds: 'requestTime', kind: 'slow' },
  requestQueueSize: { thresholds: 'requestQueue', kind: 'slow' },
  requestHandlerBusy: { thresholds: 'threadBusy', kind: 'slow' },
  networkProcessorBusy: { thresholds: 'threadBusy', kind: 'slow' },
  // A slow disk shows first in flush time; Kora and Cruise Control both treat it on its own.
  logFlushTimeMeanMs: { thresholds: 'logFlush', kind: 'storageStalled' },
};

export function thresholdsFor(signal: JudgedSignal, config: AssessmentConfig) {
  return config[SIGNAL_SPECS[signal].thresholds];
}

const finite = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
const busy = (idle: number | null | undefined): number | null => {
  const v = finite(idle);
  return v === null ? null : Math.max(0, 1 - Math.min(1, v));
};

/**
 * The judged values of one observation; absent signals are left out. A failed probe's latencies
 * are not judged (the failure is its own rule), and a negative or non-finite value is treated as
 * not measured rather than trusted.
 */
export function judgedValues(observation: BrokerObservation): Partial<Record<JudgedSignal, number>> {
  const out: Partial<Record<JudgedSignal, number>> = {};
  const put = (signal: JudgedSignal, value: number | null) => {
    if (value !== null) out[signal] = value;
  };
  const { probe, signals } = observation;
  if (probe.ok) {
    put('produceMs', finite(probe.produceMs));
    put('fetchMs', finite(probe.fetchMs));
    put('requestMs', finite(probe.requestMs));
  }
  if (signals) {
    put('produceTimeMeanMs', finite(signals.produceTimeMeanMs));
    put('fetchTimeMeanMs', finite(signals.fetchTimeMeanMs));
    put('requestQueueSize', finite(signals.requestQueueSize));
    put('requestHandlerBusy', busy(signals.requestHandlerIdle));
    put('networkProcessorBusy', busy(signals.networkProcessorIdle));
    put('logFlushTimeMeanMs', finite(signals.logFlushTimeMeanMs));
  }
  return out;
}
