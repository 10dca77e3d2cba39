import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCkuRange, checkPartitionAdmission, checkResize } from './admission';
import { DEFAULT_CKU_PROFILE } from './cku-profile';
import { smallCkuProfile } from './fixtures';
import { limitsFor } from './limits';
import { thrown } from './test-helpers';

describe('checkCkuRange', () => {
  it('accepts whole numbers within the range', () => {
    expect(() => checkCkuRange(DEFAULT_CKU_PROFILE, 1)).not.toThrow();
    expect(() => checkCkuRange(DEFAULT_CKU_PROFILE, 24)).not.toThrow();
  });

  it('refuses sizes outside the range and fractions with ckus_out_of_range (422)', () => {
    const error = thrown(() => checkCkuRange(DEFAULT_CKU_PROFILE, 0));
    expect(error.code).toBe('ckus_out_of_range');
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('a logical cluster has 1 to 24 CKUs; 0 is out of range');
    expect(error.details).toEqual({ ckus: 0, minCkus: 1, maxCkus: 24 });
    expect(thrown(() => checkCkuRange(DEFAULT_CKU_PROFILE, 25)).code).toBe('ckus_out_of_range');
    expect(thrown(() => checkCkuRange(DEFAULT_CKU_PROFILE, 1.5)).message).toMatch(/1.5 is not a whole number/);
    expect(thrown(() => checkCkuRange(DEFAULT_CKU_PROFILE, Number.NaN)).code).toBe('ckus_out_of_range');
  });
});

describe('checkPartitionAdmission', () => {
  const limits = limitsFor(DEFAULT_CKU_PROFILE, 1);

  it('admits partitions up to the limit exactly', () => {
    expect(() => checkPartitionAdmission(limits, 4_494, 6)).not.toThrow();
  });

  it('refuses one partition more with partition_limit_exceeded (409) and the numbers', () => {
    const error = thrown(() => checkPartitionAdmission(limits, 4_495, 6));
    expect(error.code).toBe('partition_limit_exceeded');
    expect(error.status).toBe(409);
    expect(error.details).toEqual({ limit: 4_500, current: 4_495, requested: 6 });
    expect(error.message).toBe(
      'the logical cluster has 4,495 of 4,500 partitions (1 CKU); 6 more would make 4,501. Delete topics or add CKUs.',
    );
  });

  it('rejects negative or zero counts with invalid_cku_input', () => {
    expect(thrown(() => checkPartitionAdmission(limits, -1, 1)).code).toBe('invalid_cku_input');
    expect(thrown(() => checkPartitionAdmission(limits, 0, 0)).code).toBe('invalid_cku_input');
  });
});

describe('checkResize', () => {
  it('refuses to shrink below the partitions in use, with a clear message', () => {
    const error = thrown(() => checkResize(DEFAULT_CKU_PROFILE, { fromCkus: 2, toCkus: 1, usage: { partitions: 5_000 } }));
    expect(error.code).toBe('resize_below_usage');
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      'cannot shrink to 1 CKU: the logical cluster uses 5,000 partitions; 1 CKU allows 4,500. Delete topics first, or resize to at least 2 CKUs.',
    );
    expect(error.details).toEqual({ fromCkus: 2, toCkus: 1, dimension: 'partitions', usage: 5_000, limit: 4_500, minimumCkus: 2 });
  });

  it('pluralises the size it names', () => {
    expect(thrown(() => checkResize(DEFAULT_CKU_PROFILE, { fromCkus: 4, toCkus: 2, usage: { partitions: 9_001 } })).message).toMatch(
      /2 CKUs allow 9,000\. Delete topics first, or resize to at least 3 CKUs\.$/,
    );
  });

  it('shrinks when what is used still fits, and always lets a cluster grow', () => {
    expect(checkResize(DEFAULT_CKU_PROFILE, { fromCkus: 2, toCkus: 1, usage: { partitions: 4_500 } })).toMatchObject({
      direction: 'shrink',
      limits: { ckus: 1, partitions: 4_500 },
    });
    expect(checkResize(smallCkuProfile(), { fromCkus: 1, toCkus: 2, usage: { partitions: 100 } }).direction).toBe('grow');
    expect(checkResize(smallCkuProfile(), { fromCkus: 2, toCkus: 2, usage: { partitions: 100 } }).direction).toBe('unchanged');
  });

  it('checks the new size against the range first', () => {
    expect(thrown(() => checkResize(smallCkuProfile(), { fromCkus: 4, toCkus: 5, usage: { partitions: 0 } })).code).toBe('ckus_out_of_range');
    expect(thrown(() => checkResize(smallCkuProfile(), { fromCkus: 4, toCkus: 3, usage: { partitions: -1 } })).code).toBe('invalid_cku_input');
  });
});

describe('admission properties', () => {
  it('admits partitions exactly when the total stays within the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.nat(120_000), fc.integer({ min: 1, max: 10_000 }), (ckus, current, requested) => {
        const limits = limitsFor(DEFAULT_CKU_PROFILE, ckus);
        const admitted = (() => {
          try {
            checkPartitionAdmission(limits, current, requested);
            return true;
          } catch {
            return false;
          }
        })();
        expect(admitted).toBe(current + requested <= limits.partitions);
      }),
    );
  });

  it('refuses a resize only when it shrinks below the partitions in use', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.nat(120_000), (fromCkus, toCkus, partitions) => {
        const request = { fromCkus, toCkus, usage: { partitions } };
        const refused = toCkus < fromCkus && partitions > toCkus * DEFAULT_CKU_PROFILE.partitions;
        if (refused) expect(thrown(() => checkResize(DEFAULT_CKU_PROFILE, request)).code).toBe('resize_below_usage');
        else expect(checkResize(DEFAULT_CKU_PROFILE, request).limits.ckus).toBe(toCkus);
      }),
    );
  });
});
