import type { ClusterLocks } from '@cellar/cluster-lock';
import type { PrismaClient } from '@cellar/db';
import type { KafkaAdmin } from '@cellar/kafka-adapter';
import type { ReassignmentObserver } from '@cellar/reassignment';
import type { Logger } from 'pino';
import type { BalancerJobs } from './balancer-queue';
import type { BalancerMetrics } from './balancer.metrics';
import type { LoadStateStore } from './load/load-state.store';

/** What the balancer's jobs (and the API's plan routes) need from outside. */
export interface BalancingDeps {
  prisma: PrismaClient;
  kafkaAdmins: { forCluster(physicalClusterId: string): Promise<KafkaAdmin> };
  loadStates: LoadStateStore;
  locks: ClusterLocks;
  jobs: BalancerJobs;
  logger: Logger;
  metrics?: BalancerMetrics;
  reassignmentObserver?: ReassignmentObserver;
  /** How often an executing plan asks Kafka about its moves. Default 1 s. */
  reassignmentPollMs?: number;
  /** How long to wait for the per-cluster lock before giving up (and retrying later). Default 10 s. */
  lockWaitMs?: number;
  /** How long one broker's metrics page may take (a busy JMX exporter is slow). Default 15 s. */
  scrapeTimeoutMs?: number;
  /** LoadSample rows older than this are pruned. Default 24 h. */
  loadRetentionMs?: number;
  /**
   * Test-only fault injection: called after a plan's execution reaches a step
   * ('submitted', 'batch-done'); apps/balancer wires CELLAR_FAULT_CRASH_AFTER_STEP to a process
   * exit here. Production leaves it unset.
   */
  afterStep?: (job: string, step: string) => void | Promise<void>;
}

/** The audit actor and lock holder of everything the balancer does. */
export const BALANCER_ACTOR = 'balancer';
