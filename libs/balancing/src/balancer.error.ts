import { CellarError } from '@cellar/common';

/** Closed set of balancer failures; the API answers each with its status, workers branch on `code`. */
export const BALANCER_ERROR_CODES = {
  balancer_settings_invalid: 422,
  rebalance_plan_not_found: 404,
  rebalance_plan_not_cancellable: 409,
  /** Another plan of the cluster is still planned or executing. */
  rebalance_in_progress: 409,
  /** The per-cluster lock is held (a mitigation, a quarantine, another plan). */
  kafka_cluster_busy: 409,
  /** A broker is in a health state that forbids balancing (SUSPECT, SLOW, UNREACHABLE, ...). */
  kafka_cluster_unhealthy: 409,
  /** No load has been sampled for the cluster yet (the balancer process samples it). */
  load_not_sampled: 409,
  kafka_unavailable: 503,
} as const;
export type BalancerErrorCode = keyof typeof BALANCER_ERROR_CODES;

export class BalancerError extends CellarError<BalancerErrorCode> {
  constructor(code: BalancerErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { status: BALANCER_ERROR_CODES[code], ...options });
    this.name = 'BalancerError';
  }
}
