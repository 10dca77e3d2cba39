import type { JobDefinition } from '@cellar/worker-runtime';
import { z } from 'zod';
import { bytesByPrefix, topicBytesFromMetrics, type TopicBytes } from './broker-usage';
import { measured, type TenancyJobDeps } from './tenancy-job';

export const SAMPLE_USAGE_EVERY_MS = 10_000;
/** Samples older than this are pruned; rates need only the latest few. */
export const USAGE_RETENTION_MS = 3_600_000;
const SCRAPE_TIMEOUT_MS = 3_000;

async function scrape(url: string): Promise<TopicBytes[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return topicBytesFromMetrics(await response.text());
}

/**
 * Every 10 s: scrape each broker of each ACTIVE physical cluster (its JMX exporter), sum the
 * per-topic produce and fetch byte counters under each logical cluster's prefix, and store one
 * UsageSample per READY or UPDATING logical cluster. A cluster with a broker that did not
 * answer gets no sample this round: a partial sum would read as a counter going backwards.
 */
export function sampleUsageJob(deps: TenancyJobDeps): JobDefinition<z.ZodObject<Record<string, never>>> {
  return {
    name: 'sample-usage',
    everyMs: SAMPLE_USAGE_EVERY_MS,
    data: z.object({}),
    handle: (_data, logger, run) =>
      measured(deps, 'sample-usage', run, logger, async () => {
        const now = new Date();
        const clusters = await deps.prisma.physicalCluster.findMany({
          where: { status: 'ACTIVE' },
          select: { id: true, brokers: { select: { nodeId: true, metricsUrl: true } } },
        });
        let stored = 0;
        for (const cluster of clusters) {
          const logicalClusters = await deps.prisma.logicalCluster.findMany({
            where: { physicalClusterId: cluster.id, status: { in: ['READY', 'UPDATING'] } },
            select: { id: true, topicPrefix: true, topics: { select: { partitions: true } } },
          });
          const urls = cluster.brokers.flatMap((b) => (b.metricsUrl ? [b.metricsUrl] : []));
          if (logicalClusters.length === 0 || urls.length === 0) continue;
          const pages = await Promise.allSettled(urls.map(scrape));
          const failed = pages.filter((p) => p.status === 'rejected');
          if (failed.length > 0) {
            logger.warn({ clusterId: cluster.id, failed: failed.length, err: (failed[0] as PromiseRejectedResult).reason }, 'broker metrics unavailable; no usage sample this round');
            continue;
          }
          const totals = bytesByPrefix(
            pages.map((p) => (p as PromiseFulfilledResult<TopicBytes[]>).value),
            logicalClusters.map((lc) => lc.topicPrefix),
          );
          await deps.prisma.usageSample.createMany({
            data: logicalClusters.map((lc) => {
              const total = totals.get(lc.topicPrefix) ?? { bytesIn: 0, bytesOut: 0 };
              return {
                logicalClusterId: lc.id,
                at: now,
                bytesIn: BigInt(Math.round(total.bytesIn)),
                bytesOut: BigInt(Math.round(total.bytesOut)),
                partitions: lc.topics.reduce((sum, t) => sum + t.partitions, 0),
              };
            }),
          });
          stored += logicalClusters.length;
        }
        await deps.prisma.usageSample.deleteMany({ where: { at: { lt: new Date(now.getTime() - USAGE_RETENTION_MS) } } });
        logger.debug({ samples: stored }, 'usage sampled');
        return stored > 0 ? 'completed' : 'skipped';
      }),
  };
}
