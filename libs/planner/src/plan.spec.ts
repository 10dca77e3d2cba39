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
});
