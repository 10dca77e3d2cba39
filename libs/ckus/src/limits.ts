import { checkCkuRange, type CkuProfile } from './cku-profile';

/** A logical cluster's limits: CKUs x the per-CKU profile. Rates in bytes/s, partitions before replication. */
export interface LogicalClusterLimits {
  ckus: number;
  ingressBytesPerSecond: number;
  egressBytesPerSecond: number;
  connections: number;
  requestsPerSecond: number;
  partitions: number;
  connectionAttemptsPerSecond: number;
}

/** Limits of a logical cluster of `ckus` CKUs; refuses a size outside the profile's range (`ckus_out_of_range`). */
export function limitsFor(profile: CkuProfile, ckus: number): LogicalClusterLimits {
  checkCkuRange(profile, ckus);
  return {
    ckus,
    ingressBytesPerSecond: profile.ingressBytesPerSecond * ckus,
    egressBytesPerSecond: profile.egressBytesPerSecond * ckus,
    connections: profile.connections * ckus,
    requestsPerSecond: profile.requestsPerSecond * ckus,
    partitions: profile.partitions * ckus,
    connectionAttemptsPerSecond: profile.connectionAttemptsPerSecond * ckus,
  };
}
