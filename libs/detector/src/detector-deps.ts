import type { ClusterLocks } from '@cellar/cluster-lock';
import type { PrismaClient } from '@cellar/db';
import type { AssessmentConfig, HealthConfig } from '@cellar/health';
import type { KafkaAdminRegistry } from '@cellar/tenancy';
import type { DetectorJobs } from './detector-queue';
import type { DetectorMetrics } from './detector.metrics';

export interface DetectorSettings {
  roundIntervalMs: number;
  /** A canary that takes longer than this counts as failed. */
  probeTimeoutMs: number;
  /** Produce-and-fetch canaries per broker per round; the round reports their medians. */
  canariesPerRound: number;
  scrapeTimeoutMs: number;
  /** Decide and record mitigations, apply none. */
  dryRun: boolean;
  /** Brokers under an active detector mitigation at once, across every cluster. */
  maxMitigatedBrokers: number;
  /** Broker samples older than this are pruned. */
  sampleRetentionMs: number;
  replicationThrottleBytesPerSecond: number;
  assessment: AssessmentConfig;
  health: HealthConfig;
}

/** What the detector's jobs share in one process. */
export interface DetectorDeps {
  prisma: PrismaClient;
  admins: KafkaAdminRegistry;
  /** The per-cluster lock shared with the balancer. */
  clusterLocks: ClusterLocks;
  /** Serialises rounds and overrides of one cluster across detector processes. */
  roundLocks: ClusterLocks;
  jobs: DetectorJobs;
  metrics?: DetectorMetrics;
  settings: DetectorSettings;
  /** Test-only: called after a mitigation records a step (the app exits the process there). */
  afterStep?: (kind: string, step: string) => void;
}
