import { CellarError } from '@cellar/common';

/** Closed set of detector failures the API answers with. */
export const DETECTOR_ERROR_CODES = {
  mitigation_not_found: 404,
  /** The operator asked for the state the broker is already in (or restore of a healthy broker). */
  broker_override_not_applicable: 409,
} as const;
export type DetectorErrorCode = keyof typeof DETECTOR_ERROR_CODES;

export class DetectorError extends CellarError<DetectorErrorCode> {
  constructor(code: DetectorErrorCode, message: string, options: { details?: Record<string, unknown> } = {}) {
    super(code, message, { status: DETECTOR_ERROR_CODES[code], details: options.details });
    this.name = 'DetectorError';
  }
}
