import { describe, expect, it } from 'vitest';
import { newClusterId } from './cluster';

describe('newClusterId', () => {
  // Regression: an id starting with '-' made `kafka-storage format -t <id>` print its usage and fail.
  it('never starts with a dash, which the storage tool would take for an option', () => {
    for (let i = 0; i < 5_000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
