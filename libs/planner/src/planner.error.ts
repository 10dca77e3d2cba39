import { CellarError } from '@cellar/common';

/** Closed set of failures the planner reports; callers branch on `code`, never on messages. */
export const PLANNER_ERROR_CODES = ['invalid_planner_input', 'invalid_planner_settings'] as const;
export type PlannerErrorCode = (typeof PLANNER_ERROR_CODES)[number];

/** Both are properties of the input (422): planning the same input again cannot succeed. */
export class PlannerError extends CellarError<PlannerErrorCode> {
  constructor(code: PlannerErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 422, retryable: false, details });
    this.name = 'PlannerError';
  }
}
