import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import './stack';
import type { TestStack } from './stack';

export type { TestStack } from './stack';

/** The shared real services of this integration run (see global-setup.ts). */
export function testStack(): TestStack {
  return inject('stack');
}

/** A name no other test in this run (or any earlier run) uses: topics, users, queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Polls until `check` returns a value (not undefined), or fails with the last reason. */
export async function eventually<T>(check: () => Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
  throw new Error(`timed out waiting for ${options.what ?? 'condition'}${lastError ? `: ${String(lastError)}` : ''}`);
}
