import { Counter, Gauge, type Registry } from 'prom-client';

export interface BalancerMetrics {
  brokerLoad: Gauge<'cluster' | 'broker'>;
  cellLoad: Gauge<'cluster' | 'cell'>;
  clusterLoad: Gauge<'cluster'>;
  plans: Counter<'cluster' | 'trigger' | 'state'>;
  rounds: Counter<'cluster' | 'outcome'>;
}

/**
 * The balancer process's metrics, in the app's registry. Labels: physical cluster id,
 * cell id, broker node id, plan trigger and state, round outcome; never a topic.
 */
export function createBalancerMetrics(registry: Registry): BalancerMetrics {
  const registers = [registry];
  return {
    brokerLoad: new Gauge({ name: 'cellar_broker_load_percent', help: 'Cluster-load metric of each broker, 0..100 (smoothed).', labelNames: ['cluster', 'broker'] as const, registers }),
    cellLoad: new Gauge({ name: 'cellar_cell_load_percent', help: 'Load of each cell: its most loaded broker.', labelNames: ['cluster', 'cell'] as const, registers }),
    clusterLoad: new Gauge({ name: 'cellar_cluster_load_percent', help: 'Load of each physical cluster: its most loaded broker.', labelNames: ['cluster'] as const, registers }),
    plans: new Counter({ name: 'cellar_rebalance_plans_total', help: 'Rebalance plans by trigger (scheduled, manual) and the state they reached.', labelNames: ['cluster', 'trigger', 'state'] as const, registers }),
    rounds: new Counter({
      name: 'cellar_balancer_rounds_total',
      help: 'Balancing rounds by outcome (balanced, waiting: imbalance not yet long enough, planned, busy, unhealthy, disabled, not_sampled, no_moves).',
      labelNames: ['cluster', 'outcome'] as const,
      registers,
    }),
  };
}
