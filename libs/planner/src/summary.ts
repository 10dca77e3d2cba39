import type { ClusterModel } from './cluster-model';
import { ratio, summarizeCells } from './load-model';
import type { BrokerLoadSummary, LoadSummary } from './types';

/** Per-broker loads of the model as it stands, with per-cell and cluster figures. */
export function summarizeModel(model: ClusterModel): LoadSummary {
  const brokers: BrokerLoadSummary[] = [];
  for (let b = 0; b < model.brokerCount; b++) {
    const networkIn = (model.netIn[b] as number) / (model.capIn[b] as number);
    const networkOut = (model.netOut[b] as number) / (model.capOut[b] as number);
    const busy = model.busyOf(b);
    brokers.push({
      id: model.brokerIds[b] as number,
      cellId: model.cellIds[model.cellOf[b] as number] ?? null,
      load: Math.min(100, model.loadOf(b)),
      networkIn,
      networkOut,
      disk: (model.disk[b] as number) / (model.capDisk[b] as number),
      requestHandlerBusy: busy,
      bytesInPerSecond: model.netIn[b] as number,
      bytesOutPerSecond: model.netOut[b] as number,
      diskBytes: model.disk[b] as number,
      leaders: model.leaders[b] as number,
      replicas: model.replicaCount[b] as number,
    });
  }
  const cells = summarizeCells(brokers.map((b, slot) => ({ cellId: b.cellId, load: b.load, countsInMean: model.replicasAllowed[slot] === 1 })));
  let max = 0;
  let sum = 0;
  let count = 0;
  brokers.forEach((b, slot) => {
    max = Math.max(max, b.load);
    if (!model.replicasAllowed[slot]) return;
    sum += b.load;
    count++;
  });
  const mean = count === 0 ? 0 : sum / count;
  return { brokers, cells, max, mean, maxOverMean: ratio(max, mean), worstCellMaxOverMean: cells.reduce((worst, c) => Math.max(worst, c.maxOverMean), 1) };
}

/** Load max, min and mean per cell group, over brokers that may hold replicas (clamped to 100 as reported, or not). */
export interface CellImbalance {
  cell: number;
  max: number;
  maxSlot: number;
  min: number;
  minSlot: number;
  mean: number;
}

export function cellImbalances(model: ClusterModel, clamp: boolean): CellImbalance[] {
  const result: CellImbalance[] = model.cellIds.map((_, cell) => ({ cell, max: -Infinity, maxSlot: -1, min: Infinity, minSlot: -1, mean: 0 }));
  const count = new Int32Array(model.cellIds.length);
  for (let b = 0; b < model.brokerCount; b++) {
    if (!model.replicasAllowed[b]) continue;
    const cell = result[model.cellOf[b] as number] as CellImbalance;
    const raw = model.loadOf(b);
    const load = clamp ? Math.min(100, raw) : raw;
    if (load > cell.max) {
      cell.max = load;
      cell.maxSlot = b;
    }
    if (load < cell.min) {
      cell.min = load;
      cell.minSlot = b;
    }
    cell.mean += load;
    count[cell.cell]!++;
  }
  return result.filter((c) => count[c.cell]! > 0).map((c) => ({ ...c, mean: c.mean / (count[c.cell] as number) }));
}

/** The worst cell's max / mean of the load (1 for an idle cluster). */
export function worstRatio(model: ClusterModel, clamp: boolean): number {
  return cellImbalances(model, clamp).reduce((worst, c) => Math.max(worst, ratio(c.max, c.mean)), 1);
}
