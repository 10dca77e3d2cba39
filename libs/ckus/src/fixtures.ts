/**
 * Named profiles for tests and the local demo, exported as `@cellar/ckus/fixtures`.
 * Each returns a fresh object.
 */
import type { CkuProfile } from './cku-profile';

/**
 * Small enough to hit on one laptop: 1 MB/s in and 3 MB/s out per CKU, 30 partitions, up
 * to 4 CKUs, so throttling and partition limits show within seconds on the local cluster.
 */
export function smallCkuProfile(): CkuProfile {
  return {
    ingressBytesPerSecond: 1_000_000,
    egressBytesPerSecond: 3_000_000,
    connections: 100,
    requestsPerSecond: 1_000,
    partitions: 30,
    connectionAttemptsPerSecond: 10,
    minCkus: 1,
    maxCkus: 4,
  };
}
