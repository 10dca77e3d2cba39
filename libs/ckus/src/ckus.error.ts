import { CellarError } from '@cellar/common';

/** Closed set of failures the CKU library reports; callers branch on `code`, never on messages. */
export const CKUS_ERROR_CODES = [
  'invalid_cku_profile',
  'invalid_cku_input',
  'ckus_out_of_range',
  'partition_limit_exceeded',
  'resize_below_usage',
] as const;
export type CkusErrorCode = (typeof CKUS_ERROR_CODES)[number];

/**
 * HTTP status the API answers with. 422: the value can never be accepted as given;
 * 409: the request is fine but conflicts with what the logical cluster uses now
 * (deleting topics or adding CKUs would let it through).
 */
const STATUS: Record<CkusErrorCode, number> = {
  invalid_cku_profile: 422,
  invalid_cku_input: 422,
  ckus_out_of_range: 422,
  partition_limit_exceeded: 409,
  resize_below_usage: 409,
};

/** Every CKU failure is a property of the input or the tenant's usage: retrying the same call cannot help. */
export class CkusError extends CellarError<CkusErrorCode> {
  constructor(code: CkusErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: STATUS[code], retryable: false, details });
    this.name = 'CkusError';
  }
}

/** 4500 -> "4,500": numbers in messages read the same on every machine. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function ckusLabel(ckus: number): string {
  return `${formatCount(ckus)} ${ckus === 1 ? 'CKU' : 'CKUs'}`;
}
