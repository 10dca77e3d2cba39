import { CkusError } from './ckus.error';

/** The CkusError a call throws; fails the test when it throws nothing or something else. */
export function thrown(call: () => unknown): CkusError {
  try {
    call();
  } catch (error) {
    if (error instanceof CkusError) return error;
    throw error;
  }
  throw new Error('expected a CkusError');
}
