import { CellarError } from '@cellar/common';

export type DbErrorCode =
  | 'MIGRATION_FAILED'
  | 'INVALID_DATABASE_NAME'
  | 'INVALID_SECRET_KEY'
  | 'SECRET_DECRYPT_FAILED'
  | 'INVALID_TOKEN_PREFIX';

/** Errors of the database layer; none is worth retrying as is. */
export class DbError extends CellarError<DbErrorCode> {
  constructor(code: DbErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, { ...options, status: 500, retryable: false });
    this.name = 'DbError';
  }
}
