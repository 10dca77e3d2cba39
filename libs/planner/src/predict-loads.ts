import { ClusterModel } from './cluster-model';
import { summarizeModel } from './summary';
import type { BrokerLoadInput, LoadSummary, PartitionLoadInput } from './types';
import { validateInput } from './validate-input';

/**
 * Per-broker, per-cell and cluster load predicted from per-partition loads (the same model
 * the planner uses; request-handler busy is each broker's measured value, as nothing moved).
 * For the load endpoint when broker traffic is apportioned from partitions, and for checking
 * what an applied plan would give.
 */
export function predictLoads(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[]): LoadSummary {
  validateInput(brokers, partitions);
  return summarizeModel(new ClusterModel(brokers, partitions));
}
