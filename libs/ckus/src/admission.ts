import type { CkuProfile } from './cku-profile';
import { CkusError, ckusLabel, formatCount } from './ckus.error';
import { limitsFor, type LogicalClusterLimits } from './limits';

// The range check lives beside the profile (limitsFor needs it too); it is an admission check all the same.
export { checkCkuRange } from './cku-profile';

/**
 * Admits `requested` new partitions (a new topic, or partitions added to one) when the
 * logical cluster already has `currentPartitions`; refuses with `partition_limit_exceeded`
 * when the total would pass the limit. Partitions are counted before replication.
 */
export function checkPartitionAdmission(limits: LogicalClusterLimits, currentPartitions: number, requested: number): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(currentPartitions) || currentPartitions < 0) problems.push(`currentPartitions must be a non-negative integer, got ${currentPartitions}`);
  if (!Number.isSafeInteger(requested) || requested < 1) problems.push(`requested must be a positive integer, got ${requested}`);
  if (problems.length > 0) throw new CkusError('invalid_cku_input', `cannot check partitions: ${problems.join('; ')}`, { problems });

  const limit = limits.partitions;
  if (currentPartitions + requested <= limit) return;
  throw new CkusError(
    'partition_limit_exceeded',
    `the logical cluster has ${formatCount(currentPartitions)} of ${formatCount(limit)} partitions (${ckusLabel(limits.ckus)}); ` +
      `${formatCount(requested)} more would make ${formatCount(currentPartitions + requested)}. Delete topics or add CKUs.`,
    { limit, current: currentPartitions, requested },
  );
}

/** What the logical cluster uses now; only what a smaller size could not hold blocks a shrink. */
export interface LogicalClusterUsage {
  partitions: number;
}

export interface ResizeRequest {
  fromCkus: number;
  toCkus: number;
  usage: LogicalClusterUsage;
}

export interface ResizeDecision {
  direction: 'grow' | 'shrink' | 'unchanged';
  /** The limits at the new size. */
  limits: LogicalClusterLimits;
}

/**
 * Accepts a resize to a size within range, except a shrink below current use
 * (`resize_below_usage`). Partitions are the only usage that blocks it: throughput above
 * the new limits is throttled by the quotas instead, as the tenant asked for fewer CKUs.
 * Growing is never blocked by usage (it is how a tenant over its limits gets back under).
 */
export function checkResize(profile: CkuProfile, request: ResizeRequest): ResizeDecision {
  const { fromCkus, toCkus, usage } = request;
  if (!Number.isSafeInteger(usage.partitions) || usage.partitions < 0) {
    throw new CkusError('invalid_cku_input', `usage.partitions must be a non-negative integer, got ${usage.partitions}`, {
      problems: [`usage.partitions must be a non-negative integer, got ${usage.partitions}`],
    });
  }
  const limits = limitsFor(profile, toCkus);
  const direction = toCkus > fromCkus ? 'grow' : toCkus < fromCkus ? 'shrink' : 'unchanged';
  if (direction === 'shrink' && usage.partitions > limits.partitions) {
    const fewest = Math.ceil(usage.partitions / profile.partitions);
    throw new CkusError(
      'resize_below_usage',
      `cannot shrink to ${ckusLabel(toCkus)}: the logical cluster uses ${formatCount(usage.partitions)} partitions; ` +
        `${ckusLabel(toCkus)} ${toCkus === 1 ? 'allows' : 'allow'} ${formatCount(limits.partitions)}. ` +
        `Delete topics first, or resize to at least ${ckusLabel(fewest)}.`,
      { fromCkus, toCkus, dimension: 'partitions', usage: usage.partitions, limit: limits.partitions, minimumCkus: fewest },
    );
  }
  return { direction, limits };
}
