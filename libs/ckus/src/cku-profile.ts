import { CkusError, formatCount } from './ckus.error';

/**
 * What one CKU buys, and how many CKUs a logical cluster may have.
 *
 * Rates are in bytes per second with MB = 1,000,000 bytes (decimal, as Confluent Cloud
 * quotes "MBps" and as Kafka's byte-rate quotas take plain bytes/s); so 60 MB/s is
 * 60,000,000 bytes/s. Partitions are counted before replication, as Confluent Cloud counts them.
 */
export interface CkuProfile {
  /** Produce throughput per CKU, bytes/s. */
  ingressBytesPerSecond: number;
  /** Fetch throughput per CKU, bytes/s (consumers and follower-free reads). */
  egressBytesPerSecond: number;
  /** Open client connections per CKU. */
  connections: number;
  /** Client requests per second per CKU. */
  requestsPerSecond: number;
  /** Partitions per CKU, before replication. */
  partitions: number;
  /** New connections (attempts) per second per CKU. */
  connectionAttemptsPerSecond: number;
  /** Smallest logical cluster, in CKUs. */
  minCkus: number;
  /** Largest logical cluster, in CKUs. */
  maxCkus: number;
}

/**
 * Confluent Cloud's published per-CKU figures for Dedicated clusters.
 *
 * 1..24 CKUs: one CKU is the smallest unit worth selling (Confluent asks 2 for multi-zone
 * Dedicated clusters; raise `minCkus` to match). A logical cluster lives in one cell, so
 * the maximum bounds what must fit in a single cell; 24 CKUs (1.44 GB/s in, 4.32 GB/s out,
 * 108,000 partitions) is a generous default, and operators set it to what their cells host.
 */
export const DEFAULT_CKU_PROFILE: Readonly<CkuProfile> = Object.freeze({
  ingressBytesPerSecond: 60_000_000,
  egressBytesPerSecond: 180_000_000,
  connections: 18_000,
  requestsPerSecond: 15_000,
  partitions: 4_500,
  connectionAttemptsPerSecond: 500,
  minCkus: 1,
  maxCkus: 24,
});

const FIELDS = Object.keys(DEFAULT_CKU_PROFILE) as (keyof CkuProfile)[];

export interface ProfileProblem {
  field: string;
  message: string;
}

/**
 * Validates a (partial) profile from configuration or an operator request and fills in the
 * defaults. Every field must be a positive safe integer, unknown fields are refused (a typo
 * must not silently fall back to a default), and minCkus must not exceed maxCkus. Throws
 * `invalid_cku_profile` listing each bad field.
 */
export function parseCkuProfile(input: unknown = {}): CkuProfile {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new CkusError('invalid_cku_profile', 'a CKU profile must be an object', { problems: [{ field: '(root)', message: 'must be an object' }] });
  }
  const given = input as Record<string, unknown>;
  const problems: ProfileProblem[] = [];
  for (const field of Object.keys(given)) {
    if (!(FIELDS as string[]).includes(field)) problems.push({ field, message: `unknown field; expected one of ${FIELDS.join(', ')}` });
  }
  const profile = { ...DEFAULT_CKU_PROFILE };
  for (const field of FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      problems.push({ field, message: `must be a positive integer, got ${JSON.stringify(value) ?? String(value)}` });
      continue;
    }
    profile[field] = value;
  }
  if (problems.length === 0 && profile.minCkus > profile.maxCkus) {
    problems.push({ field: 'minCkus', message: `must not exceed maxCkus (${profile.maxCkus}), got ${profile.minCkus}` });
  }
  if (problems.length > 0) {
    throw new CkusError('invalid_cku_profile', `invalid CKU profile: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  return profile;
}

/** Refuses a CKU count that is not a whole number within the profile's range (`ckus_out_of_range`). */
export function checkCkuRange(profile: CkuProfile, ckus: number): void {
  const { minCkus, maxCkus } = profile;
  if (Number.isSafeInteger(ckus) && ckus >= minCkus && ckus <= maxCkus) return;
  const reason = Number.isSafeInteger(ckus) ? `${formatCount(ckus)} is out of range` : `${String(ckus)} is not a whole number`;
  throw new CkusError('ckus_out_of_range', `a logical cluster has ${formatCount(minCkus)} to ${formatCount(maxCkus)} CKUs; ${reason}`, {
    ckus,
    minCkus,
    maxCkus,
  });
}
