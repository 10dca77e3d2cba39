/**
 * fast-check arbitraries for the planner's property specs: random but valid clusters (every
 * partition inside its cell, rack-aware), random loads, random health flags and random
 * settings. Not exported from the package.
 */
import fc from 'fast-check';
import { seededRandom, standardCapacity } from './fixtures';
import { SOFT_GOALS, type BrokerLoadInput, type Goal, type PartitionLoadInput, type PlannerSettings } from './types';

const MB = 1_000_000;
const GB = 1_000_000_000;

export interface RandomCluster {
  brokers: BrokerLoadInput[];
  partitions: PartitionLoadInput[];
}

export interface ClusterShape {
  /** Probability that a broker is drained / demoted. */
  drained?: number;
  demoted?: number;
  maxPartitionsPerCell?: number;
}

/** A cluster of 1–3 cells, each with 1–3 brokers on each of 2–4 racks, and RF-1..3 partitions placed rack-aware inside their cell (a few of no cell). */
export function randomCluster(shape: ClusterShape = {}): fc.Arbitrary<RandomCluster> {
  return fc
    .record({
      racks: fc.integer({ min: 2, max: 4 }),
      cells: fc.integer({ min: 1, max: 3 }),
      perRack: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      partitions: fc.integer({ min: 0, max: shape.maxPartitionsPerCell ?? 40 }),
      hotBroker: fc.nat(),
      hotFactor: fc.double({ min: 1, max: 6, noNaN: true }),
    })
    .map(({ racks, cells, perRack, seed, partitions, hotBroker, hotFactor }) => {
      const random = seededRandom(seed);
      const brokers: BrokerLoadInput[] = [];
      let id = 1;
      for (let c = 0; c < cells; c++) {
        for (let k = 0; k < perRack; k++) {
          for (let r = 0; r < racks; r++) {
            brokers.push({
              id: id++,
              rack: `az${r + 1}`,
              cellId: `cell-${c + 1}`,
              capacity: standardCapacity(),
              requestHandlerBusy: random() * 0.3,
              leadersAllowed: random() >= (shape.demoted ?? 0),
              replicasAllowed: random() >= (shape.drained ?? 0),
            });
          }
        }
      }
      const hot = brokers[hotBroker % brokers.length] as BrokerLoadInput;
      const list: PartitionLoadInput[] = [];
      for (let c = 0; c < cells; c++) {
        const cellId = `cell-${c + 1}`;
        for (let i = 0; i < partitions; i++) {
          const shared = random() < 0.1;
          const pool = shared ? brokers : brokers.filter((b) => b.cellId === cellId);
          const rf = 1 + Math.floor(random() * Math.min(3, racks));
          const replicas = placeRackAware(pool, rf, random, random() < 0.5 ? hot : null);
          const skew = replicas[0] === hot.id ? hotFactor : 1;
          list.push({
            topic: shared ? `shared-${c}` : `${cellId}.t`,
            partition: i,
            replicas,
            leader: replicas[0] as number,
            bytesInPerSecond: random() * 2 * MB * skew,
            bytesOutPerSecond: random() * 4 * MB * skew,
            sizeBytes: random() * 50 * GB,
            cellId: shared ? null : cellId,
            movable: random() >= 0.05,
          });
        }
      }
      return { brokers, partitions: list };
    });
}

/** Distinct racks, random brokers; `prefer` (when given and eligible) takes the first slot. */
function placeRackAware(pool: BrokerLoadInput[], rf: number, random: () => number, prefer: BrokerLoadInput | null): number[] {
  const chosen: BrokerLoadInput[] = [];
  if (prefer !== null && pool.includes(prefer)) chosen.push(prefer);
  while (chosen.length < rf) {
    const options = pool.filter((b) => !chosen.some((c) => c.rack === b.rack));
    chosen.push(options[Math.floor(random() * options.length)] as BrokerLoadInput);
  }
  return chosen.map((b) => b.id);
}

/** Settings with random thresholds, goal order and (sometimes unbounded) budgets. */
export function randomSettings(): fc.Arbitrary<PlannerSettings> {
  return fc
    .record({
      goals: fc.shuffledSubarray([...SOFT_GOALS] as Goal[]),
      trigger: fc.integer({ min: 5, max: 60 }),
      stopShare: fc.double({ min: 0, max: 1, noNaN: true }),
      maxMoves: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(1_000_000)),
      maxConcurrent: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(1_000_000)),
      maxBytes: fc.oneof(fc.double({ min: 0, max: 500 * GB, noNaN: true }), fc.constant(Number.MAX_SAFE_INTEGER)),
      capacityLimitPct: fc.constantFrom(undefined, 80, 100),
    })
    .map(({ goals, trigger, stopShare, maxMoves, maxConcurrent, maxBytes, capacityLimitPct }) => ({
      goals,
      triggerThresholdPct: trigger,
      stopThresholdPct: Math.round(trigger * stopShare),
      maxMovesPerRound: maxMoves,
      maxConcurrentMovesPerBroker: maxConcurrent,
      maxBytesInFlight: maxBytes,
      capacityLimitPct,
    }));
}
