/** A harness failure with one line a person can act on (what is wrong, what to do). */
export class HarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}
