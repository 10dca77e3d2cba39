import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CKU_PROFILE, type CkuProfile } from './cku-profile';
import { smallCkuProfile } from './fixtures';
import { limitsFor, type LogicalClusterLimits } from './limits';
import { connectionCreationRateFor, quotasFor, type ClientQuotas } from './quotas';
import { thrown } from './test-helpers';

describe('quotasFor', () => {
  it('splits a 2-CKU logical cluster evenly over a 3-broker cell', () => {
    expect(quotasFor(limitsFor(DEFAULT_CKU_PROFILE, 2), 3)).toEqual({
      producer_byte_rate: 40_000_000,
      consumer_byte_rate: 120_000_000,
      // 30,000 requests/s / 3 brokers x 500 us x 100 %.
      request_percentage: 500,
    });
  });

  it('floors shares that do not divide evenly', () => {
    expect(quotasFor(limitsFor(DEFAULT_CKU_PROFILE, 1), 7)).toEqual({
      producer_byte_rate: 8_571_428,
      consumer_byte_rate: 25_714_285,
      request_percentage: 107,
    });
  });

  it('returns only the keys Kafka accepts on a user entity', () => {
    expect(Object.keys(quotasFor(limitsFor(DEFAULT_CKU_PROFILE, 1), 3)).sort()).toEqual(['consumer_byte_rate', 'producer_byte_rate', 'request_percentage']);
  });

  it('divides among the principals sharing the logical cluster', () => {
    const quotas = quotasFor(limitsFor(DEFAULT_CKU_PROFILE, 2), 3, { principals: 2 });
    expect(quotas.producer_byte_rate).toBe(20_000_000);
    expect(quotas.request_percentage).toBe(250);
  });

  it('uses the request cost it is given', () => {
    expect(quotasFor(limitsFor(DEFAULT_CKU_PROFILE, 2), 3, { requestCostMicros: 100 }).request_percentage).toBe(100);
  });

  it('never answers 0, which would block the client', () => {
    const tiny: LogicalClusterLimits = { ...limitsFor(smallCkuProfile(), 1), connectionAttemptsPerSecond: 2, requestsPerSecond: 1 };
    expect(quotasFor(tiny, 6).request_percentage).toBe(1);
    expect(connectionCreationRateFor(tiny, 6)).toBe(1);
  });

  it('rejects a cell without brokers and other nonsense with invalid_cku_input', () => {
    const limits = limitsFor(DEFAULT_CKU_PROFILE, 1);
    expect(thrown(() => quotasFor(limits, 0)).code).toBe('invalid_cku_input');
    expect(thrown(() => quotasFor(limits, 2.5)).code).toBe('invalid_cku_input');
    expect(thrown(() => quotasFor(limits, 3, { principals: 0 })).code).toBe('invalid_cku_input');
    expect(thrown(() => quotasFor(limits, 3, { requestCostMicros: -1 })).status).toBe(422);
    expect(thrown(() => connectionCreationRateFor(limits, 0)).code).toBe('invalid_cku_input');
  });
});

describe('connectionCreationRateFor', () => {
  it('splits connection attempts per second over the cell, floored', () => {
    expect(connectionCreationRateFor(limitsFor(DEFAULT_CKU_PROFILE, 2), 3)).toBe(333);
    expect(connectionCreationRateFor(limitsFor(DEFAULT_CKU_PROFILE, 1), 7)).toBe(71);
  });
});

const profileArbitrary: fc.Arbitrary<CkuProfile> = fc.record({
  ingressBytesPerSecond: fc.integer({ min: 1, max: 1_000_000_000 }),
  egressBytesPerSecond: fc.integer({ min: 1, max: 1_000_000_000 }),
  connections: fc.integer({ min: 1, max: 100_000 }),
  requestsPerSecond: fc.integer({ min: 1, max: 100_000 }),
  partitions: fc.integer({ min: 1, max: 10_000 }),
  connectionAttemptsPerSecond: fc.integer({ min: 1, max: 10_000 }),
  minCkus: fc.constant(1),
  maxCkus: fc.integer({ min: 1, max: 64 }),
});

/** Each per-broker share beside the limit it divides. */
const SPLITS: [string, keyof LogicalClusterLimits, (limits: LogicalClusterLimits, brokers: number) => number][] = [
  ['producer_byte_rate', 'ingressBytesPerSecond', (limits, brokers) => quotasFor(limits, brokers).producer_byte_rate],
  ['consumer_byte_rate', 'egressBytesPerSecond', (limits, brokers) => quotasFor(limits, brokers).consumer_byte_rate],
  ['connection_creation_rate', 'connectionAttemptsPerSecond', connectionCreationRateFor],
];

describe('quotasFor properties', () => {
  it('over the cell, per-broker quotas sum to at most the limit and to more than the limit minus one per broker', () => {
    fc.assert(
      fc.property(profileArbitrary, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 48 }), (profile, ckus, brokers) => {
        const limits = limitsFor(profile, Math.min(ckus, profile.maxCkus));
        for (const [, limit, perBroker] of SPLITS) {
          const quota = perBroker(limits, brokers);
          expect(quota).toBeGreaterThanOrEqual(1);
          // A limit below one unit per broker still gets 1 per broker: the only case the sum may exceed it.
          if (limits[limit] < brokers) continue;
          expect(quota * brokers).toBeLessThanOrEqual(limits[limit]);
          expect(quota * brokers).toBeGreaterThanOrEqual(limits[limit] - brokers);
        }
      }),
    );
  });

  it('more CKUs never lower a per-broker quota on the same cell', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 48 }), (ckus, brokers) => {
        const smaller = quotasFor(limitsFor(DEFAULT_CKU_PROFILE, ckus), brokers);
        const larger = quotasFor(limitsFor(DEFAULT_CKU_PROFILE, ckus + 1), brokers);
        for (const key of Object.keys(smaller) as (keyof ClientQuotas)[]) expect(larger[key]).toBeGreaterThanOrEqual(smaller[key]);
        expect(connectionCreationRateFor(limitsFor(DEFAULT_CKU_PROFILE, ckus + 1), brokers)).toBeGreaterThanOrEqual(
          connectionCreationRateFor(limitsFor(DEFAULT_CKU_PROFILE, ckus), brokers),
        );
      }),
    );
  });
});
