import { CellarError } from '@cellar/common';

/** Closed set of failures the cells library reports; callers branch on `code`, never on messages. */
export const CELLS_ERROR_CODES = [
  'invalid_cell_layout',
  'cell_layout_impossible',
  'no_cell_capacity',
  'replication_factor_too_large',
  'invalid_placement_request',
] as const;
export type CellsErrorCode = (typeof CELLS_ERROR_CODES)[number];

/**
 * HTTP status the API answers with. 422: the request can never succeed as stated;
 * 409: it conflicts with the current state of the fleet (adding capacity would fix it).
 */
const STATUS: Record<CellsErrorCode, number> = {
  invalid_cell_layout: 422,
  cell_layout_impossible: 422,
  no_cell_capacity: 409,
  replication_factor_too_large: 422,
  invalid_placement_request: 422,
};

/** Every cells failure is a property of the input, so retrying the same call cannot help. */
export class CellsError extends CellarError<CellsErrorCode> {
  constructor(code: CellsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: STATUS[code], retryable: false, details });
    this.name = 'CellsError';
  }
}
