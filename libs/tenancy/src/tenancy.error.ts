import { CellarError } from '@cellar/common';

/** Closed set of tenancy failures; the API answers each with its status, workers branch on `code`. */
export const TENANCY_ERROR_CODES = {
  tenant_not_found: 404,
  tenant_name_taken: 409,
  kafka_cluster_not_found: 404,
  kafka_cluster_name_taken: 409,
  kafka_cluster_already_registered: 409,
  kafka_cluster_unreachable: 422,
  kafka_cluster_has_logical_clusters: 409,
  broker_not_found: 404,
  cell_not_found: 404,
  cell_name_taken: 409,
  cell_invalid: 422,
  cells_already_laid_out: 409,
  quarantine_cell_exists: 409,
  no_quarantine_cell: 409,
  no_capacity: 409,
  region_not_served: 422,
  logical_cluster_not_found: 404,
  logical_cluster_name_taken: 409,
  logical_cluster_busy: 409,
  logical_cluster_already_quarantined: 409,
  topic_not_found: 404,
  topic_exists: 409,
  topic_config_not_allowed: 422,
  topic_config_invalid: 422,
  replication_factor_invalid: 422,
  api_key_not_found: 404,
  api_key_limit_exceeded: 409,
  idempotency_key_invalid: 400,
  idempotency_key_reused: 422,
  idempotency_request_in_flight: 409,
  kafka_unavailable: 503,
} as const;
export type TenancyErrorCode = keyof typeof TENANCY_ERROR_CODES;

export class TenancyError extends CellarError<TenancyErrorCode> {
  constructor(code: TenancyErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { status: TENANCY_ERROR_CODES[code], retryable: options.retryable ?? code === 'kafka_unavailable', details: options.details, cause: options.cause });
    this.name = 'TenancyError';
  }
}
