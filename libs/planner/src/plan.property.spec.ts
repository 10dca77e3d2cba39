import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMoves } from './apply-moves';
import { generousSettings } from './fixtures';
import { checkHardGoals } from './hard-goal-check';
import { partitionTraffic } from './load-model';
import { plan } from './plan';
import { randomCluster, randomSettings } from './test-clusters';
import type { BrokerLoadInput, PartitionLoadInput, PlannerSettings, PlanResult } from './types';

const RUNS = { numRuns: 150 };

function byId(brokers: readonly BrokerLoadInput[]): Map<number, BrokerLoadInput> {
  return new Map(brokers.map((b) => [b.id, b]));
}

/** Per-broker network in, network out and disk of an assignment, from the load model's rules. */
function usage(brokers: readonly BrokerLoadInput[], partitions: readonly PartitionLoadInput[]): Map<number, { in: number; out: number; disk: number }> {
  const use = new Map(brokers.map((b) => [b.id, { in: 0, out: 0, disk: 0 }]));
  for (const p of partitions) {
    const traffic = partitionTraffic(p);
    for (const id of p.replicas) {
      const u = use.get(id);
      if (u === undefined) continue;
      u.in += traffic.replicaIn;
      u.disk += p.sizeBytes;
    }
    const leader = use.get(p.leader);
    if (leader !== undefined) leader.out += traffic.leaderOut;
  }
  return use;
}

function racksAware(brokers: Map<number, BrokerLoadInput>, cellRacks: number, replicas: number[]): boolean {
  const perRack = cellRacks >= replicas.length ? 1 : Math.ceil(replicas.length / cellRacks);
  const counts = new Map<string, number>();
  for (const id of replicas) counts.set(brokers.get(id)!.rack, (counts.get(brokers.get(id)!.rack) ?? 0) + 1);
  return [...counts.values()].every((n) => n <= perRack);
}

/** Every hard goal a plan must never break, move by move, and the budgets. */
function expectPlanKeepsHardGoals(brokers: BrokerLoadInput[], partitions: PartitionLoadInput[], settings: PlannerSettings, result: PlanResult): void {
  const broker = byId(brokers);
  const input = new Map(partitions.map((p) => [`${p.topic}/${p.partition}`, p]));
  const racksOfCell = (cellId: string | null) => new Set(brokers.filter((b) => b.replicasAllowed && (cellId === null || b.cellId === cellId)).map((b) => b.rack)).size;
  const perBroker = new Map<number, number>();
  let bytes = 0;
  for (const move of result.moves) {
    const p = input.get(`${move.topic}/${move.partition}`)!;
    expect(p.movable).toBe(true);
    expect(move.fromReplicas).toEqual(p.replicas);
    expect(move.toReplicas).toHaveLength(p.replicas.length);
    expect(new Set(move.toReplicas).size).toBe(move.toReplicas.length);
    const added = move.toReplicas.filter((id) => !move.fromReplicas.includes(id));
    const removed = move.fromReplicas.filter((id) => !move.toReplicas.includes(id));
    expect(move.kind).toBe(added.length > 0 ? 'REPLICA' : 'LEADERSHIP');
    expect(move.bytes).toBeCloseTo(added.length * p.sizeBytes, 0);
    for (const id of added) {
      expect(broker.get(id)!.replicasAllowed).toBe(true); // drain
      if (p.cellId !== null) expect(broker.get(id)!.cellId).toBe(p.cellId); // cell containment
    }
    // Rack awareness: never broken by a move (a partition that broke it may stay as it was only if no move touched it).
    expect(racksAware(broker, racksOfCell(p.cellId), move.toReplicas)).toBe(true);
    // Leadership: the new leader (first) may lead.
    expect(broker.get(move.toReplicas[0]!)!.leadersAllowed).toBe(true);
    for (const id of [...added, ...removed]) perBroker.set(id, (perBroker.get(id) ?? 0) + 1);
    bytes += move.bytes;
  }
  // Budgets.
  expect(result.moves.length).toBeLessThanOrEqual(settings.maxMovesPerRound);
  expect(bytes).toBeLessThanOrEqual(settings.maxBytesInFlight * (1 + 1e-12));
  for (const count of perBroker.values()) expect(count).toBeLessThanOrEqual(settings.maxConcurrentMovesPerBroker);
  // Capacity: no broker that gains anything ends above the limit on it.
  const limit = (settings.capacityLimitPct ?? 100) / 100;
  const before = usage(brokers, partitions);
  const after = usage(brokers, applyMoves(partitions, result.moves));
  for (const b of brokers) {
    const u0 = before.get(b.id)!;
    const u1 = after.get(b.id)!;
    if (u1.in > u0.in + 1e-6) expect(u1.in).toBeLessThanOrEqual(limit * b.capacity.networkInBytesPerSecond * (1 + 1e-6));
    if (u1.out > u0.out + 1e-6) expect(u1.out).toBeLessThanOrEqual(limit * b.capacity.networkOutBytesPerSecond * (1 + 1e-6));
    if (u1.disk > u0.disk + 1e-6) expect(u1.disk).toBeLessThanOrEqual(limit * b.capacity.diskBytes * (1 + 1e-6));
  }
}

describe('plan (properties over random clusters)', () => {
  it('never breaks a hard goal nor a budget, whatever the flags, loads and settings', () => {
    fc.assert(
      fc.property(randomCluster({ drained: 0.1, demoted: 0.15 }), randomSettings(), ({ brokers, partitions }, settings) => {
        const result = plan(brokers, partitions, settings);
        expectPlanKeepsHardGoals(brokers, partitions, settings, result);
      }),
      RUNS,
    );
  });

  it('leaves no hard-goal violation on a healthy cluster, and with room enough repairs every one it can move', () => {
    fc.assert(
      fc.property(randomCluster({ drained: 0.08, demoted: 0.1 }), ({ brokers, partitions }) => {
        const result = plan(brokers, partitions, generousSettings());
        const left = checkHardGoals(brokers, applyMoves(partitions, result.moves));
        const immovable = new Set(partitions.filter((p) => !p.movable).map((p) => `${p.topic}/${p.partition}`));
        const repairable = new Set(left.filter((v) => !immovable.has(`${v.topic}/${v.partition}`)).map((v) => `${v.topic}/${v.partition}`));
        // What is left is what no broker could take (a cell without a broker of the right rack or right to lead).
        expect(repairable.size).toBeLessThanOrEqual(result.stats.unrepaired);
        if (brokers.every((b) => b.replicasAllowed && b.leadersAllowed)) expect(left).toEqual([]);
      }),
      RUNS,
    );
  });

  it('never leaves the load max/mean worse, overall or in the worst cell', () => {
    fc.assert(
      fc.property(randomCluster(), randomSettings(), ({ brokers, partitions }, settings) => {
        const result = plan(brokers, partitions, settings);
        expect(result.predictedAfter.maxOverMean).toBeLessThanOrEqual(result.before.maxOverMean + 1e-9);
        expect(result.predictedAfter.worstCellMaxOverMean).toBeLessThanOrEqual(result.before.worstCellMaxOverMean + 1e-9);
      }),
      RUNS,
    );
  });

  it('makes no move and says so when no broker is beyond the trigger of its cell mean', () => {
    fc.assert(
      fc.property(randomCluster(), randomSettings(), ({ brokers, partitions }, settings) => {
        const result = plan(brokers, partitions, settings);
        const calm = result.before.cells.every((c) => c.load <= c.mean * (1 + settings.triggerThresholdPct / 100) && c.min >= c.mean * (1 - settings.triggerThresholdPct / 100));
        if (!calm) return;
        expect(result.triggered).toBe(false);
        expect(result.moves).toEqual([]);
        expect(result.predictedAfter).toEqual(result.before);
      }),
      RUNS,
    );
  });

  it('comes to rest: applied in full, a plan leaves a cluster the next plan acts on only where the first could not finish', () => {
    fc.assert(
      fc.property(randomCluster({ maxPartitionsPerCell: 30 }), ({ brokers, partitions }) => {
        const settings = generousSettings();
        const first = plan(brokers, partitions, settings);
        // The next round measures the handler busy the first predicted, and (as the balancer's
        // cooldown does) leaves the partitions just moved alone.
        const busy = new Map(first.predictedAfter.brokers.map((b) => [b.id, b.requestHandlerBusy]));
        const next = brokers.map((b) => ({ ...b, requestHandlerBusy: busy.get(b.id) as number }));
        const moved = new Set(first.moves.map((m) => `${m.topic}/${m.partition}`));
        const after = applyMoves(partitions, first.moves).map((p) => (moved.has(`${p.topic}/${p.partition}`) ? { ...p, movable: false } : p));
        const second = plan(next, after, settings);
        second.before.brokers.forEach((b, i) => expect(b.load).toBeCloseTo(first.predictedAfter.brokers[i]!.load, 6));
        const trigger = settings.triggerThresholdPct / 100;
        const unfinished = first.predictedAfter.cells.some((c) => c.load > c.mean * (1 + trigger) || c.min < c.mean * (1 - trigger));
        if (!unfinished) expect(second.moves).toEqual([]);
        expect(second.triggered).toBe(unfinished);
      }),
      { numRuns: 80 },
    );
  });

  it('is deterministic: the same input gives the same plan', () => {
    fc.assert(
      fc.property(randomCluster({ drained: 0.1, demoted: 0.1 }), randomSettings(), ({ brokers, partitions }, settings) => {
        expect(plan(brokers, partitions, settings)).toEqual(plan(structuredClone(brokers), structuredClone(partitions), { ...settings }));
      }),
      { numRuns: 50 },
    );
  });

  it('empties a drained broker before anything else', () => {
    fc.assert(
      fc.property(randomCluster(), fc.nat(), ({ brokers, partitions }, pick) => {
        const drained = brokers[pick % brokers.length]!;
        const input = brokers.map((b) => (b.id === drained.id ? { ...b, replicasAllowed: false } : b));
        const result = plan(input, partitions, generousSettings());
        const firstOther = result.moves.findIndex((m) => m.goal !== 'DRAIN');
        const lastDrain = result.moves.map((m) => m.goal).lastIndexOf('DRAIN');
        if (firstOther >= 0) expect(lastDrain).toBeLessThan(firstOther);
        const hosted = partitions.filter((p) => p.replicas.includes(drained.id));
        if (result.stats.unrepaired === 0) {
          const after = applyMoves(partitions, result.moves);
          expect(after.filter((p) => p.replicas.includes(drained.id)).length).toBe(0);
        } else {
          expect(hosted.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});
