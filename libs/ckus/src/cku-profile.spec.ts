import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CKU_PROFILE, parseCkuProfile, type CkuProfile } from './cku-profile';
import { thrown } from './test-helpers';

describe('DEFAULT_CKU_PROFILE', () => {
  it("is Confluent Cloud's per-CKU Dedicated figures, in bytes/s with MB = 1,000,000 bytes", () => {
    expect(DEFAULT_CKU_PROFILE).toEqual({
      ingressBytesPerSecond: 60_000_000,
      egressBytesPerSecond: 180_000_000,
      connections: 18_000,
      requestsPerSecond: 15_000,
      partitions: 4_500,
      connectionAttemptsPerSecond: 500,
      minCkus: 1,
      maxCkus: 24,
    });
    expect(Object.isFrozen(DEFAULT_CKU_PROFILE)).toBe(true);
  });
});

describe('parseCkuProfile', () => {
  it('fills every field left out with its default', () => {
    expect(parseCkuProfile()).toEqual(DEFAULT_CKU_PROFILE);
    expect(parseCkuProfile({ partitions: 30, maxCkus: 4 })).toEqual({ ...DEFAULT_CKU_PROFILE, partitions: 30, maxCkus: 4 });
  });

  it('returns a new object, never the frozen default', () => {
    const profile = parseCkuProfile({});
    profile.partitions = 1;
    expect(DEFAULT_CKU_PROFILE.partitions).toBe(4_500);
  });

  it('lists every bad field: non-positive, fractional, non-numeric and unknown', () => {
    const error = thrown(() =>
      parseCkuProfile({ ingressBytesPerSecond: 0, egressBytesPerSecond: -5, partitions: 1.5, connections: '18000', maxCkus: Number.NaN, ingresBytesPerSecond: 1 }),
    );
    expect(error.code).toBe('invalid_cku_profile');
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect((error.details?.['problems'] as { field: string }[]).map((p) => p.field)).toEqual([
      'ingresBytesPerSecond',
      'ingressBytesPerSecond',
      'egressBytesPerSecond',
      'connections',
      'partitions',
      'maxCkus',
    ]);
    expect(error.message).toMatch(/connections: must be a positive integer, got "18000"/);
  });

  it('refuses minCkus above maxCkus, and anything but an object', () => {
    expect(thrown(() => parseCkuProfile({ minCkus: 5, maxCkus: 4 })).message).toBe('invalid CKU profile: minCkus: must not exceed maxCkus (4), got 5');
    expect(thrown(() => parseCkuProfile(null)).code).toBe('invalid_cku_profile');
    expect(thrown(() => parseCkuProfile([1])).code).toBe('invalid_cku_profile');
    expect(thrown(() => parseCkuProfile('small')).code).toBe('invalid_cku_profile');
  });
});

const fields = Object.keys(DEFAULT_CKU_PROFILE) as (keyof CkuProfile)[];

describe('parseCkuProfile properties', () => {
  it('accepts any partial profile of positive integers with minCkus <= maxCkus, unchanged', () => {
    const partial = fc
      .record(Object.fromEntries(fields.map((f) => [f, fc.integer({ min: 1, max: 1_000_000_000 })])) as Record<keyof CkuProfile, fc.Arbitrary<number>>, {
        requiredKeys: [],
      })
      .filter((p) => (p.minCkus ?? DEFAULT_CKU_PROFILE.minCkus) <= (p.maxCkus ?? DEFAULT_CKU_PROFILE.maxCkus));
    fc.assert(
      fc.property(partial, (p) => {
        expect(parseCkuProfile(p)).toEqual({ ...DEFAULT_CKU_PROFILE, ...p });
      }),
    );
  });

  it('refuses any zero or negative value, naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.oneof(fc.integer({ max: 0 }), fc.double({ max: 0 })), (field, value) => {
        const error = thrown(() => parseCkuProfile({ [field]: value }));
        expect(error.code).toBe('invalid_cku_profile');
        expect(error.details?.['problems']).toEqual([expect.objectContaining({ field })]);
      }),
    );
  });
});
