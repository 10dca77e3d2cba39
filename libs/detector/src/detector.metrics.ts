import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface DetectorMetrics {
  healthState: Gauge<'cluster' | 'broker' | 'state'>;
  probeLatency: Histogram<'cluster' | 'broker' | 'probe'>;
  probeFailures: Counter<'cluster' | 'broker'>;
  rounds: Counter<'cluster' | 'outcome'>;
  transitions: Counter<'from' | 'to'>;
  mitigations: Counter<'kind' | 'actor' | 'outcome'>;
}

/**
 * The detector's metrics. Labels are bounded by the fleet: cluster (the physical cluster id, as on
 * every cellar_ metric), broker node id,
 * states, probe kinds, mitigation kinds and outcomes.
 */
export function createDetectorMetrics(registry: Registry): DetectorMetrics {
  const registers = [registry];
  return {
    healthState: new Gauge({
      name: 'cellar_broker_health_state',
      help: 'Health state of each broker: 1 for the state it is in, 0 for the others.',
      labelNames: ['cluster', 'broker', 'state'] as const,
      registers,
    }),
    probeLatency: new Histogram({
      name: 'cellar_probe_latency_seconds',
      help: 'Canary round trips per broker: produce (acks=1 to its pinned probe partition), fetch, and a metadata request on its own connection.',
      labelNames: ['cluster', 'broker', 'probe'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    probeFailures: new Counter({
      name: 'cellar_probe_failures_total',
      help: 'Probe rounds in which a broker did not answer all its canaries in time.',
      labelNames: ['cluster', 'broker'] as const,
      registers,
    }),
    rounds: new Counter({
      name: 'cellar_detector_rounds_total',
      help: 'Detector rounds per cluster by outcome (judged, guard: too many brokers looked bad at once so nothing was judged, failed).',
      labelNames: ['cluster', 'outcome'] as const,
      registers,
    }),
    transitions: new Counter({
      name: 'cellar_broker_health_transitions_total',
      help: 'Broker health state changes.',
      labelNames: ['from', 'to'] as const,
      registers,
    }),
    mitigations: new Counter({
      name: 'cellar_mitigations_total',
      help: 'Mitigations by kind (demote, drain, restore), actor (detector, operator) and how they ended (completed, rolled_back, failed, blocked, dry_run).',
      labelNames: ['kind', 'actor', 'outcome'] as const,
      registers,
    }),
  };
}
