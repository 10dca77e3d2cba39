import { brokerLoad, summarizeCells } from '@cellar/planner';
import type { JobDefinition } from '@cellar/worker-runtime';
import { clusterJobData } from '../balancer-queue';
import { loadBalancerSettings, settingsView } from '../balancer-settings';
import type { BalancingDeps } from '../balancing-deps';
import { scrapeBroker, type BrokerCounters } from '../load/broker-scrape';
import { foldObservation, smoothedBrokers, type LoadObservation } from '../load/load-model';

const DEFAULT_RETENTION_MS = 24 * 3600_000;

/**
 * One sampling round of one physical cluster: metadata (leaders, replicas), partition sizes
 * (DescribeLogDirs), every broker's metrics page; folded into the smoothed load (EWMA with
 * the cluster's half-life) kept in Redis, and one LoadSample row per broker in PostgreSQL
 * for the API and the dashboard (pruned by age).
 */
export function sampleLoadJob(deps: BalancingDeps): JobDefinition<typeof clusterJobData> {
  return {
    name: 'sample-load',
    data: clusterJobData,
    async handle({ physicalClusterId }, logger) {
      await sampleClusterLoad(deps, physicalClusterId, logger);
    },
  };
}

export async function sampleClusterLoad(deps: BalancingDeps, physicalClusterId: string, logger = deps.logger): Promise<void> {
  const { prisma } = deps;
  const cluster = await prisma.physicalCluster.findUnique({ where: { id: physicalClusterId }, include: { brokers: true } });
  if (!cluster) return;
  const view = settingsView(await loadBalancerSettings(prisma, physicalClusterId));
  const admin = await deps.kafkaAdmins.forCluster(physicalClusterId);
  const topics = await admin.describeTopics(await admin.listTopics());
  const logDirs = await admin.describeLogDirs();
  const at = Date.now();

  const sizeOf = new Map<string, number>();
  const diskOf = new Map<number, number>();
  for (const entry of logDirs) {
    diskOf.set(entry.brokerId, (diskOf.get(entry.brokerId) ?? 0) + entry.sizeBytes);
    if (!entry.isFuture) sizeOf.set(`${entry.brokerId}|${entry.topic}/${entry.partition}`, entry.sizeBytes);
  }
  const partitions: LoadObservation['partitions'] = topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      // The leader's copy; any replica's when the partition is offline.
      sizeBytes: sizeOf.get(`${p.leader}|${t.name}/${p.partition}`) ?? Math.max(0, ...p.replicas.map((r) => sizeOf.get(`${r}|${t.name}/${p.partition}`) ?? 0)),
    })),
  );
  const counters = await Promise.all(
    cluster.brokers.map(async (broker): Promise<BrokerCounters | null> => {
      if (!broker.metricsUrl) return null;
      return scrapeBroker(broker.metricsUrl, deps.scrapeTimeoutMs ?? 15_000).catch((error: unknown) => {
        logger.warn({ err: error, nodeId: broker.nodeId }, 'broker metrics scrape failed; no load sample for it this round');
        return null;
      });
    }),
  );
  const observation: LoadObservation = {
    at,
    brokers: cluster.brokers.map((b, i) => ({ nodeId: b.nodeId, counters: counters[i] ?? null, diskBytes: diskOf.get(b.nodeId) ?? 0 })),
    partitions,
  };
  const state = foldObservation(await deps.loadStates.get(physicalClusterId), observation, view.loadHalfLifeSeconds * 1000);
  await deps.loadStates.set(physicalClusterId, state);

  const leaders = countBy(partitions.map((p) => p.leader));
  const replicas = countBy(partitions.flatMap((p) => p.replicas));
  const smoothed = new Map(smoothedBrokers(state).map((b) => [b.nodeId, b]));
  const rows = cluster.brokers.map((broker) => {
    const s = smoothed.get(broker.nodeId);
    const traffic = { networkInBytesPerSecond: s?.networkInBytesPerSecond ?? 0, networkOutBytesPerSecond: s?.networkOutBytesPerSecond ?? 0, requestHandlerBusy: s?.requestHandlerBusy ?? 0 };
    return {
      physicalClusterId,
      nodeId: broker.nodeId,
      at: new Date(at),
      load: brokerLoad(traffic, view.brokerCapacity),
      bytesInPerSecond: traffic.networkInBytesPerSecond,
      bytesOutPerSecond: traffic.networkOutBytesPerSecond,
      diskBytes: BigInt(Math.round(diskOf.get(broker.nodeId) ?? 0)),
      requestHandlerBusy: traffic.requestHandlerBusy,
      leaders: leaders.get(broker.nodeId) ?? 0,
      replicas: replicas.get(broker.nodeId) ?? 0,
    };
  });
  // Rates need two rounds: the first only primes the counters.
  if (state.rounds >= 2) await prisma.loadSample.createMany({ data: rows });
  await prisma.loadSample.deleteMany({ where: { physicalClusterId, at: { lt: new Date(at - (deps.loadRetentionMs ?? DEFAULT_RETENTION_MS)) } } });

  if (deps.metrics && state.rounds >= 2) {
    for (const row of rows) deps.metrics.brokerLoad.set({ cluster: cluster.id, broker: String(row.nodeId) }, row.load);
    const cellOf = new Map(cluster.brokers.map((b) => [b.nodeId, b.cellId]));
    for (const cell of summarizeCells(rows.map((r) => ({ cellId: cellOf.get(r.nodeId) ?? null, load: r.load })))) {
      if (cell.cellId !== null) deps.metrics.cellLoad.set({ cluster: cluster.id, cell: cell.cellId }, cell.load);
    }
    deps.metrics.clusterLoad.set({ cluster: cluster.id }, Math.max(0, ...rows.map((r) => r.load)));
  }
  logger.debug({ physicalClusterId, rounds: state.rounds, partitions: partitions.length }, 'load sampled');
}

function countBy(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
