import { CellsError } from './cells.error';

/** The CellsError a call throws; fails the test when it throws nothing or something else. */
export function thrown(call: () => unknown): CellsError {
  try {
    call();
  } catch (error) {
    if (error instanceof CellsError) return error;
    throw error;
  }
  throw new Error('expected a CellsError');
}
