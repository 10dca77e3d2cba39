import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CKU_PROFILE } from './cku-profile';
import { smallCkuProfile } from './fixtures';
import { limitsFor, type LogicalClusterLimits } from './limits';
import { thrown } from './test-helpers';

describe('limitsFor', () => {
  it('multiplies the profile by the CKUs', () => {
    expect(limitsFor(DEFAULT_CKU_PROFILE, 2)).toEqual({
      ckus: 2,
      ingressBytesPerSecond: 120_000_000,
      egressBytesPerSecond: 360_000_000,
      connections: 36_000,
      requestsPerSecond: 30_000,
      partitions: 9_000,
      connectionAttemptsPerSecond: 1_000,
    });
    expect(limitsFor(smallCkuProfile(), 1).partitions).toBe(30);
  });

  it('refuses a size outside the profile range', () => {
    expect(thrown(() => limitsFor(DEFAULT_CKU_PROFILE, 25)).code).toBe('ckus_out_of_range');
    expect(thrown(() => limitsFor(smallCkuProfile(), 5)).message).toBe('a logical cluster has 1 to 4 CKUs; 5 is out of range');
  });
});

describe('limitsFor properties', () => {
  it('is monotonic in CKUs: more CKUs never lower any limit, and raise every one', () => {
    const sizes = fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 })).filter(([a, b]) => a < b);
    fc.assert(
      fc.property(sizes, ([smaller, larger]) => {
        const low = limitsFor(DEFAULT_CKU_PROFILE, smaller);
        const high = limitsFor(DEFAULT_CKU_PROFILE, larger);
        for (const key of Object.keys(low) as (keyof LogicalClusterLimits)[]) expect(high[key]).toBeGreaterThan(low[key]);
      }),
    );
  });
});
