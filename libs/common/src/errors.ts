/**
 * Domain errors carry a stable `code` from a closed union, a `retryable` flag and a `cause`.
 * The API maps them to RFC 9457 problem+json in one error handler; workers turn
 * non-retryable ones into BullMQ's UnrecoverableError.
 */
export class CellarError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;
  /** HTTP status the API answers with; workers ignore it. */
  readonly status: number;
  /** Field-level details (validation failures list each bad field). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: Code,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CellarError';
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

export function isCellarError(value: unknown): value is CellarError {
  return value instanceof CellarError;
}
