import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnSignals } from './shutdown';

const silentLogger = { info: () => undefined, error: () => undefined };

describe('closeOnSignals', () => {
  const disposers: Array<() => void> = [];
  afterEach(() => {
    for (const dispose of disposers.splice(0)) dispose();
  });

  it('closes once and exits 0 on SIGTERM', async () => {
    const close = vi.fn(async () => undefined);
    const exit = vi.fn();
    disposers.push(closeOnSignals(close, { logger: silentLogger, exit, signals: ['SIGTERM'] }));

    process.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('exits 1 when closing fails', async () => {
    const exit = vi.fn();
    disposers.push(
      closeOnSignals(() => Promise.reject(new Error('boom')), { logger: silentLogger, exit, signals: ['SIGTERM'] }),
    );

    process.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
  });

  it('exits 1 when closing outlasts the timeout', async () => {
    const exit = vi.fn();
    disposers.push(
      closeOnSignals(() => new Promise<void>(() => undefined), { logger: silentLogger, exit, timeoutMs: 20, signals: ['SIGTERM'] }),
    );

    process.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
  });

  it('exits 1 at once on a second signal while closing', () => {
    const exit = vi.fn();
    const close = vi.fn(() => new Promise<void>(() => undefined));
    disposers.push(closeOnSignals(close, { logger: silentLogger, exit, signals: ['SIGTERM'] }));

    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });
});
