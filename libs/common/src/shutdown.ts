import type { Logger } from 'pino';

export interface CloseOnSignalsOptions {
  logger: Pick<Logger, 'info' | 'error'>;
  /** After this long a hanging close gives up and the process exits 1. */
  timeoutMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** Injected by tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

/**
 * Closes an app once on SIGTERM/SIGINT, then exits 0 (1 if closing fails or takes longer
 * than timeoutMs). A second signal while closing exits 1 at once, so an operator can
 * always stop a stuck process. Returns a function that removes the listeners.
 */
export function closeOnSignals(close: () => Promise<void>, options: CloseOnSignalsOptions): () => void {
  const { logger, timeoutMs = 10_000, signals = ['SIGTERM', 'SIGINT'], exit = (code) => process.exit(code) } = options;
  let closing = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.error({ signal }, 'second signal while closing, exiting now');
      exit(1);
      return;
    }
    closing = true;
    logger.info({ signal }, 'closing');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'close timed out, exiting');
      exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        logger.info({ signal }, 'closed');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'close failed');
        exit(1);
      },
    );
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
