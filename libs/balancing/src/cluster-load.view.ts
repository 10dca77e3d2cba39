import type { PrismaClient } from '@cellar/db';

export interface BrokerLoadView {
  id: number;
  cellId: string | null;
  healthState: string;
  /** Cluster-load metric 0..100: 100 × max(network in / capacity, network out / capacity, request-handler busy). */
  load: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  diskBytes: number;
  requestHandlerBusy: number;
  leaders: number;
  replicas: number;
}

export interface ClusterLoadView {
  /** The most loaded broker's load; null before the first sample. */
  clusterLoad: number | null;
  /** Mean broker load, and the most loaded broker over it (what the trigger looks at, per cell). */
  meanLoad: number | null;
  maxOverMean: number | null;
  sampledAt: string | null;
  brokers: BrokerLoadView[];
  cells: { id: string; name: string; quarantine: boolean; load: number; meanLoad: number; maxOverMean: number }[];
}

/** The latest LoadSample of each broker, with per-cell and per-cluster figures (Kora: the most loaded broker). */
export async function clusterLoadView(prisma: PrismaClient, physicalClusterId: string): Promise<ClusterLoadView> {
  const latest = await prisma.loadSample.findFirst({ where: { physicalClusterId }, orderBy: { at: 'desc' }, select: { at: true } });
  const [brokers, cells, samples] = await Promise.all([
    prisma.broker.findMany({ where: { clusterId: physicalClusterId }, orderBy: { nodeId: 'asc' } }),
    prisma.cell.findMany({ where: { clusterId: physicalClusterId }, orderBy: { name: 'asc' } }),
    latest ? prisma.loadSample.findMany({ where: { physicalClusterId, at: latest.at } }) : Promise.resolve([]),
  ]);
  const sampleOf = new Map(samples.map((s) => [s.nodeId, s]));
  const views: BrokerLoadView[] = brokers.flatMap((b) => {
    const s = sampleOf.get(b.nodeId);
    if (!s) return [];
    return [{
      id: b.nodeId,
      cellId: b.cellId,
      healthState: b.healthState,
      load: s.load,
      bytesInPerSecond: s.bytesInPerSecond,
      bytesOutPerSecond: s.bytesOutPerSecond,
      diskBytes: Number(s.diskBytes),
      requestHandlerBusy: s.requestHandlerBusy,
      leaders: s.leaders,
      replicas: s.replicas,
    }];
  });
  const stats = (loads: number[]) => {
    const max = Math.max(0, ...loads);
    const mean = loads.length === 0 ? 0 : loads.reduce((a, b) => a + b, 0) / loads.length;
    return { max, mean, maxOverMean: mean > 0 ? max / mean : 1 };
  };
  const all = stats(views.map((v) => v.load));
  return {
    clusterLoad: views.length === 0 ? null : all.max,
    meanLoad: views.length === 0 ? null : all.mean,
    maxOverMean: views.length === 0 ? null : all.maxOverMean,
    sampledAt: latest?.at.toISOString() ?? null,
    brokers: views,
    cells: cells.map((cell) => {
      const s = stats(views.filter((v) => v.cellId === cell.id).map((v) => v.load));
      return { id: cell.id, name: cell.name, quarantine: cell.quarantine, load: s.max, meanLoad: s.mean, maxOverMean: s.maxOverMean };
    }),
  };
}
