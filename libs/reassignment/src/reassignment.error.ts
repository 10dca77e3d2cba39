import { CellarError } from '@cellar/common';

/** Closed set of executor failures. */
export const REASSIGNMENT_ERROR_CODES = {
  /** Moves were still copying when the caller's wait ran out; waiting again resumes them. */
  reassignment_timeout: 503,
  /** The wait was aborted (lost lock, shutdown); the moves keep running in Kafka. */
  reassignment_aborted: 503,
} as const;
export type ReassignmentErrorCode = keyof typeof REASSIGNMENT_ERROR_CODES;

export class ReassignmentError extends CellarError<ReassignmentErrorCode> {
  constructor(code: ReassignmentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { status: REASSIGNMENT_ERROR_CODES[code], retryable: true, ...options });
    this.name = 'ReassignmentError';
  }
}
