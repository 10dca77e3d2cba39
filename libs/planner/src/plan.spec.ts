import { describe, expect, it } from 'vitest';
import { applyMoves } from './apply-moves';
import { broker, generousSettings, leadersOnOneBroker, partitionOn, sixBrokersTwoCells, syntheticCluster } from './fixtures';
import { checkHardGoals } from './hard-goal-check';
import { plan } from './plan';
import { PlannerError } from './planner.error';

const MB = 1_000_000;
const GB = 1_000_000_000;

describe('plan', () => {
  it('fixes a leadership-only imbalance with leadership moves that copy nothing', () => {
    const { brokers, partitions } = leadersOnOneBroker();
    const result = plan(brokers, partitions, generousSettings());
    expect(result.triggered).toBe(true);
    expect(result.moves.length).toBeGreaterThan(0);
    expect(result.moves.every((m) => m.kind === 'LEADERSHIP' && m.bytes === 0)).toBe(true);
    expect(result.moves.every((m) => [...m.toReplicas].sort().join() === [...m.fromReplicas].sort().join())).toBe(true);
    expect(result.predictedAfter.worstCellMaxOverMean).toBeLessThanOrEqual(1.1);
    const leaders = result.predictedAfter.brokers.filter((b) => b.cellId === 'cell-1').map((b) => b.leaders);
    expect(leaders).toEqual([4, 4, 4]);
  });

  it('makes no move on a balanced cluster and says why', () => {
    const brokers = sixBrokersTwoCells();
    const partitions = [partitionOn('a', 0, [1, 3, 5], { cellId: 'cell-1' }), partitionOn('a', 1, [3, 5, 1], { cellId: 'cell-1' }), partitionOn('a', 2, [5, 1, 3], { cellId: 'cell-1' })];
    const result = plan(brokers, partitions, generousSettings());
    expect(result.triggered).toBe(false);
    expect(result.moves).toEqual([]);
    expect(result.reason).toMatch(/^balanced/);
    expect(result.predictedAfter).toEqual(result.before);
  });

  it('empties a drained broker first, onto its own cell and a free rack', () => {
    const brokers = sixBrokersTwoCells().map((b) => (b.id === 3 ? { ...b, replicasAllowed: false } : b));
    brokers.push(broker(7, 'az2', 'cell-1'));
    const partitions = [0, 1, 2, 3].map((i) => partitionOn('lkc-a.t', i, [[1, 3, 5], [3, 5, 1], [5, 1, 3], [1, 3, 5]][i] as number[], { cellId: 'cell-1' }));
    const result = plan(brokers, partitions, generousSettings());
    const drains = result.moves.filter((m) => m.goal === 'DRAIN');
    expect(drains).toHaveLength(4);
    expect(result.moves.slice(0, 4)).toEqual(drains);
    expect(drains.every((m) => m.toReplicas.includes(7) && !m.toReplicas.includes(3))).toBe(true);
    expect(result.predictedAfter.brokers.find((b) => b.id === 3)?.replicas).toBe(0);
    expect(checkHardGoals(brokers, applyMoves(partitions, result.moves))).toEqual([]);
  });

  it('balances a skewed 30-broker cluster to max/mean <= 1.10 without breaking a hard goal', () => {
    const { brokers, partitions } = syntheticCluster({ brokers: 30, partitions: 3000, seed: 7 });
    const result = plan(brokers, partitions, generousSettings());
    expect(result.before.maxOverMean).toBeGreaterThan(1.5);
    expect(result.predictedAfter.maxOverMean).toBeLessThanOrEqual(1.1 + 1e-9);
    expect(checkHardGoals(brokers, applyMoves(partitions, result.moves))).toEqual([]);
  });

  it('answers invalid_planner_settings (422) when the stop threshold exceeds the trigger', () => {
    const { brokers, partitions } = leadersOnOneBroker();
    expect(() => plan(brokers, partitions, generousSettings({ stopThresholdPct: 30, triggerThresholdPct: 20 }))).toThrow(PlannerError);
  });

  it('answers invalid_planner_input for a partition listed twice', () => {
    const brokers = sixBrokersTwoCells();
    const twice = [partitionOn('a', 0, [1, 3, 5], { bytesInPerSecond: MB, sizeBytes: GB }), partitionOn('a', 0, [1, 3, 5])];
    try {
      plan(brokers, twice, generousSettings());
      expect.unreachable();
    } catch (error) {
      expect((error as PlannerError).code).toBe('invalid_planner_input');
      expect((error as PlannerError).status).toBe(422);
    }
  });

  it('moves leadership off a demoted broker and puts it last, without copying data', () => {
    const brokers = sixBrokersTwoCells().map((b) => (b.id === 1 ? { ...b, leadersAllowed: false } : b));
    const partitions = [partitionOn('a', 0, [1, 3, 5], { cellId: 'cell-1' }), partitionOn('a', 1, [3, 1, 5], { cellId: 'cell-1' })];
    const result = plan(brokers, partitions, generousSettings());
    expect(result.moves).toHaveLength(1);
    const [move] = result.moves;
    expect(move).toMatchObject({ topic: 'a', partition: 0, kind: 'LEADERSHIP', bytes: 0, goal: 'LEADERSHIP_NOT_ALLOWED' });
    expect(move!.toReplicas[2]).toBe(1);
    expect(result.predictedAfter.brokers.find((b) => b.id === 1)!.leaders).toBe(0);
    expect(checkHardGoals(brokers, applyMoves(partitions, result.moves))).toEqual([]);
  });

  it('brings a replica that left its cell back in, on a rack the partition does not use', () => {
    const brokers = sixBrokersTwoCells();
    const partitions = [partitionOn('lkc-a.t', 0, [1, 3, 6], { cellId: 'cell-1' })]; // 6 is in cell-2
    const result = plan(brokers, partitions, generousSettings());
    expect(result.moves).toEqual([expect.objectContaining({ kind: 'REPLICA', goal: 'CELL_CONTAINMENT', fromReplicas: [1, 3, 6], toReplicas: [1, 3, 5], source: 6, destination: 5 })]);
  });

  it('spreads two replicas sharing a rack', () => {
    const brokers = sixBrokersTwoCells().map((b) => ({ ...b, cellId: null }));
    const partitions = [partitionOn('a', 0, [1, 2, 3])]; // 1 and 2 are both on az1
    const result = plan(brokers, partitions, generousSettings());
    expect(result.moves).toHaveLength(1);
    expect(result.moves[0]!.goal).toBe('RACK_AWARENESS');
    expect(checkHardGoals(brokers, applyMoves(partitions, result.moves))).toEqual([]);
  });

  it('leaves a repair undone rather than fill a broker past its capacity', () => {
    const brokers = sixBrokersTwoCells().map((b) => (b.id === 3 ? { ...b, replicasAllowed: false } : b.id === 4 ? { ...b, cellId: 'cell-1' } : b));
    // Moving partition 0 off broker 3 can only go to broker 4 (az2, cell-1), which has no room for 80 MB/s more.
    const partitions = [partitionOn('a', 0, [1, 3, 5], { cellId: 'cell-1', bytesInPerSecond: 80 * MB }), partitionOn('b', 0, [4], { cellId: 'cell-1', bytesInPerSecond: 30 * MB })];
    const result = plan(brokers, partitions, generousSettings());
    expect(result.moves).toEqual([]);
    expect(result.stats.unrepaired).toBe(1);
    expect(result.triggered).toBe(true);
  });

  it('respects the round budgets: moves, bytes in flight, per-broker concurrency', () => {
    const { brokers, partitions } = syntheticCluster({ brokers: 12, partitions: 600, seed: 3 });
    const few = plan(brokers, partitions, generousSettings({ maxMovesPerRound: 5 }));
    expect(few.moves).toHaveLength(5);
    expect(few.stats.stoppedBy).toBe('maxMovesPerRound');
    const noBytes = plan(brokers, partitions, generousSettings({ maxBytesInFlight: 0 }));
    expect(noBytes.moves.length).toBeGreaterThan(0);
    expect(noBytes.moves.every((m) => m.kind === 'LEADERSHIP')).toBe(true);
    const oneEach = plan(brokers, partitions, generousSettings({ maxConcurrentMovesPerBroker: 1 }));
    const perBroker = new Map<number, number>();
    for (const m of oneEach.moves) {
      for (const id of new Set([...m.fromReplicas, ...m.toReplicas])) {
        if (m.fromReplicas.includes(id) !== m.toReplicas.includes(id)) perBroker.set(id, (perBroker.get(id) ?? 0) + 1);
      }
    }
    expect(Math.max(...perBroker.values())).toBe(1);
  });

  it('counts work already in flight against the budgets', () => {
    const { brokers, partitions } = syntheticCluster({ brokers: 12, partitions: 600, seed: 3 });
    const result = plan(brokers, partitions, generousSettings({ maxBytesInFlight: 100 * GB, inFlight: { bytes: 100 * GB } }));
    expect(result.moves.every((m) => m.kind === 'LEADERSHIP')).toBe(true);
  });

  it('never moves a partition marked not movable, nor gives one back to a broker it recently left', () => {
    const { brokers, partitions } = syntheticCluster({ brokers: 12, partitions: 600, seed: 5 });
    const frozen = partitions.map((p, i) => (i % 2 === 0 ? { ...p, movable: false } : { ...p, recentlyLeft: [1, 2, 3] }));
    const result = plan(brokers, frozen, generousSettings());
    expect(result.moves.length).toBeGreaterThan(0);
    for (const m of result.moves) {
      const input = frozen.find((p) => p.topic === m.topic && p.partition === m.partition)!;
      expect(input.movable).toBe(true);
      const gained = m.toReplicas.filter((id) => !m.fromReplicas.includes(id));
      expect(gained.filter((id) => [1, 2, 3].includes(id))).toEqual([]);
      if (m.toReplicas[0] !== m.fromReplicas[0]) expect([1, 2, 3]).not.toContain(m.toReplicas[0]);
    }
  });

  it('moves load onto a new empty broker of the cell (scale-out)', () => {
    const brokers = sixBrokersTwoCells();
    brokers.push(broker(7, 'az1', 'cell-1'), broker(8, 'az2', 'cell-1'), broker(9, 'az3', 'cell-1'));
    const partitions = Array.from({ length: 18 }, (_, i) => partitionOn('lkc-a.t', i, [[1, 3, 5], [3, 5, 1], [5, 1, 3]][i % 3] as number[], { cellId: 'cell-1', bytesInPerSecond: 2 * MB, bytesOutPerSecond: 2 * MB }));
    const result = plan(brokers, partitions, generousSettings());
    expect(result.triggered).toBe(true);
    expect(result.reason).toMatch(/^cell cell-1: broker \d+ at/);
    for (const id of [7, 8, 9]) expect(result.predictedAfter.brokers.find((b) => b.id === id)!.replicas).toBeGreaterThan(0);
    expect(result.predictedAfter.worstCellMaxOverMean).toBeLessThan(result.before.worstCellMaxOverMean);
  });

  it('leaves a calm cell alone while it rebalances another', () => {
    const { brokers, partitions } = leadersOnOneBroker();
    const calm = [partitionOn('lkc-b.t', 0, [2, 4, 6], { cellId: 'cell-2' }), partitionOn('lkc-b.t', 1, [4, 6, 2], { cellId: 'cell-2' }), partitionOn('lkc-b.t', 2, [6, 2, 4], { cellId: 'cell-2', bytesInPerSecond: 1.1 * MB })];
    const result = plan(brokers, [...partitions, ...calm], generousSettings());
    expect(result.moves.length).toBeGreaterThan(0);
    expect(result.moves.every((m) => m.topic === 'lkc-a.orders')).toBe(true);
  });

  it('does not trigger on an imbalance smaller than the dead band', () => {
    const { brokers, partitions } = leadersOnOneBroker();
    const result = plan(brokers, partitions, generousSettings({ minImbalancePct: 20 }));
    expect(result.triggered).toBe(false);
    expect(result.reason).toMatch(/dead band/);
  });

  it('skips partitions on brokers it does not know and says how many', () => {
    const { brokers, partitions } = leadersOnOneBroker();
    const result = plan(brokers, [...partitions, partitionOn('ghost', 0, [1, 99, 5], { cellId: 'cell-1' })], generousSettings());
    expect(result.stats.skippedPartitions).toBe(1);
    expect(result.moves.some((m) => m.topic === 'ghost')).toBe(false);
  });

  it('triggers on the under side alone: one new broker among nine, the others only 12.5% above the mean', () => {
    const brokers = Array.from({ length: 9 }, (_, i) => broker(i + 1, `az${(i % 3) + 1}`, 'cell-1'));
    const partitions = Array.from({ length: 32 }, (_, i) => partitionOn('lkc-a.t', i, [(i % 8) + 1], { cellId: 'cell-1', bytesInPerSecond: 2 * MB, bytesOutPerSecond: 2 * MB }));
    const result = plan(brokers, partitions, generousSettings());
    expect(result.before.maxOverMean).toBeCloseTo(1.125, 9);
    expect(result.reason).toMatch(/broker 9 at 0.0% load is 100.0% below the cell mean/);
    expect(result.predictedAfter.brokers.find((b) => b.id === 9)!.replicas).toBeGreaterThanOrEqual(3);
  });

  it('asks only for a preferred-leader election when a demoted broker leads a partition whose preferred leader may lead', () => {
    const brokers = sixBrokersTwoCells().map((b) => (b.id === 5 ? { ...b, leadersAllowed: false } : b));
    const partitions = [partitionOn('a', 0, [1, 3, 5], { cellId: 'cell-1', leader: 5 })];
    const result = plan(brokers, partitions, generousSettings());
    expect(result.moves).toEqual([expect.objectContaining({ kind: 'LEADERSHIP', fromReplicas: [1, 3, 5], toReplicas: [1, 3, 5], bytes: 0, goal: 'LEADERSHIP_NOT_ALLOWED' })]);
    expect(result.predictedAfter.brokers.find((b) => b.id === 5)!.leaders).toBe(0);
  });
});
