import type { JobDefinition } from '@cellar/worker-runtime';
import { deleteLogicalClusterJob } from './delete-logical-cluster.job';
import { provisionLogicalClusterJob } from './provision-logical-cluster.job';
import { quarantineLogicalClusterJob } from './quarantine-logical-cluster.job';
import { reconcileLogicalClustersJob } from './reconcile-logical-clusters.job';
import { resizeLogicalClusterJob } from './resize-logical-cluster.job';
import { sampleUsageJob } from './sample-usage.job';
import type { TenancyJobDeps } from './tenancy-job';

export { DELETE_STEPS, deleteAclsUnder } from './delete-logical-cluster.job';
export { PROVISION_STEPS } from './provision-logical-cluster.job';
export { QUARANTINE_STEPS } from './quarantine-logical-cluster.job';
export { RESIZE_STEPS } from './resize-logical-cluster.job';
export { jobFor, RECONCILE_EVERY_MS } from './reconcile-logical-clusters.job';
export { SAMPLE_USAGE_EVERY_MS, USAGE_RETENTION_MS } from './sample-usage.job';
export { bytesByPrefix, metricSamples, topicBytesFromMetrics, type MetricSample } from './broker-usage';
export { planCellMoves, replicationThrottleFor, cellLoad } from './quarantine.plan';
export { createTenancyJobQueue, type TenancyJobQueue } from './tenancy-job-queue';
export { DEFAULT_REPLICATION_THROTTLE_BYTES_PER_SECOND, isPermanent, WORKER_ACTOR, type TenancyJobDeps } from './tenancy-job';

/** Every job of the tenancy queue, for one worker process. */
export function tenancyJobDefinitions(deps: TenancyJobDeps): JobDefinition[] {
  return [
    provisionLogicalClusterJob(deps),
    resizeLogicalClusterJob(deps),
    deleteLogicalClusterJob(deps),
    quarantineLogicalClusterJob(deps),
    reconcileLogicalClustersJob(deps),
    sampleUsageJob(deps),
  ] as JobDefinition[];
}
