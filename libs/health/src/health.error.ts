import { CellarError } from '@cellar/common';

/** Closed set of failures the health library reports; callers branch on `code`, never on messages. */
export const HEALTH_ERROR_CODES = ['invalid_health_config', 'unknown_health_state'] as const;
export type HealthErrorCode = (typeof HEALTH_ERROR_CODES)[number];

/** Both are properties of the input (a bad setting, a stored state this version does not know): retrying cannot help. */
export class HealthError extends CellarError<HealthErrorCode> {
  constructor(code: HealthErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 422, retryable: false, details });
    this.name = 'HealthError';
  }
}
