import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assessRound } from './assess-round';
import { DEFAULT_ASSESSMENT_CONFIG, resolveAssessmentConfig } from './config';
import { emptyMemory } from './memory';
import { NODE_IDS, frozen, loadedCluster, observation, seededRandom, simulate, T0 } from './test-helpers';
import type { BrokerMemory, BrokerObservation } from './types';

const noMemories = new Map<number, BrokerMemory>();
const BASE_MS = [6, 7, 8, 6.5, 7.5, 7];

/** Memories holding `rounds` of each broker's healthy values, as a running detector would have. */
function warmMemories(rounds = 20): Map<number, BrokerMemory> {
  const { healths } = simulate(rounds, () => NODE_IDS.map((id, i) => observation(id, BASE_MS[i]!)));
  return new Map([...healths].map(([id, h]) => [id, h.memory]));
}

const sixBrokers = (ms: (id: number, i: number) => number): BrokerObservation[] => NODE_IDS.map((id, i) => observation(id, ms(id, i)));

describe('assessRound', () => {
  it('flags the one slow broker among six, against its peers and its own history, with the numbers', () => {
    const round = sixBrokers((id, i) => (id === 4 ? 40 : BASE_MS[i]!));
    const { verdicts, guard } = assessRound(round, warmMemories(), DEFAULT_ASSESSMENT_CONFIG, T0);
    expect([...verdicts.values()].filter((v) => v.flagged).map((v) => v.nodeId)).toEqual([4]);
    const slow = verdicts.get(4)!;
    expect(slow.slow).toBe(true);
    expect(slow.unreachable).toBe(false);
    const produce = slow.evidence.signals.produceMs!;
    expect(produce).toMatchObject({ value: 40, peerMedian: 7, peerCount: 5, historyMedian: 6.5, outlierVsPeers: true, outlierVsHistory: true });
    expect(slow.evidence.fired.map((f) => f.rule)).toContain('slow-vs-peers-and-history');
    expect(slow.samples.produceMs).toBeUndefined(); // its history does not learn that slow is normal
    expect(guard.tripped).toBe(false);
    expect(JSON.parse(JSON.stringify(slow))).toEqual(slow);
  });

  it('flags nothing slow while a broker warms up (fewer judged rounds than a history needs)', () => {
    const round = sixBrokers((id, i) => (id === 2 ? 60 : BASE_MS[i]!));
    const { verdicts } = assessRound(round, noMemories, DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(verdicts.get(2)!.slow).toBe(false);
    expect(verdicts.get(2)!.evidence.signals.produceMs).toMatchObject({ outlierVsPeers: true, warmingUp: true, flagged: false });
  });

  it('flags a broker slow on its peers alone (with the z-score) when it was an outlier all through its warm-up', () => {
    const round = sixBrokers((id, i) => (id === 2 ? 60 : BASE_MS[i]!));
    const { healths } = simulate(2 * DEFAULT_ASSESSMENT_CONFIG.minHistorySamples, () => round);
    const memories = new Map([...healths].map(([id, h]) => [id, h.memory]));
    expect(memories.get(2)!.history.produceMs ?? []).toEqual([]);
    const { verdicts } = assessRound(round, memories, DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(verdicts.get(2)!.slow).toBe(true);
    expect(verdicts.get(2)!.evidence.fired.map((f) => f.rule)).toContain('slow-vs-peers-no-history');
  });

  it('does not flag a broker that is slow compared with its peers but always was (its history says so)', () => {
    const { healths } = simulate(20, () => sixBrokers((id, i) => BASE_MS[i]! * (id === 3 ? 2 : 1)));
    const memories = new Map([...healths].map(([id, h]) => [id, h.memory]));
    const round = sixBrokers((id, i) => (id === 3 ? 40 : BASE_MS[i]!));
    // 40 ms is over 3× the peers' 7 ms but not over 3× its own 16 ms.
    expect(assessRound(round, memories, DEFAULT_ASSESSMENT_CONFIG, T0).verdicts.get(3)!.slow).toBe(false);
  });

  it('does not flag six brokers that are all uniformly slower (a cluster-wide shift, not a broker)', () => {
    const round = sixBrokers((_, i) => BASE_MS[i]! * 5);
    const { verdicts, guard } = assessRound(round, warmMemories(), DEFAULT_ASSESSMENT_CONFIG, T0);
    expect([...verdicts.values()].some((v) => v.flagged)).toBe(false);
    expect(guard.tripped).toBe(false);
    // …and the shift is learnt: every broker's history takes the new values.
    expect([...verdicts.values()].every((v) => v.samples.produceMs !== undefined)).toBe(true);
  });

  it('trips the guard when 3 of 6 brokers fail their probes at once', () => {
    const round = NODE_IDS.map((id, i) => (id % 2 === 0 ? frozen(id) : observation(id, BASE_MS[i]!)));
    const { guard } = assessRound(round, warmMemories(), DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(guard).toMatchObject({ tripped: true, badFraction: 0.5, badNodeIds: [2, 4, 6], observed: 6 });
    expect(guard.reason).toMatch(/probe path or the network/);
  });

  it('trips the guard when 3 of 6 brokers look slow at once', () => {
    const round = sixBrokers((id, i) => (id <= 3 ? 50 : BASE_MS[i]!));
    const { guard, verdicts } = assessRound(round, warmMemories(), DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(verdicts.get(1)!.slow && verdicts.get(2)!.slow && verdicts.get(3)!.slow).toBe(true);
    expect(guard.tripped).toBe(true);
  });

  it('does not trip the guard for 2 of 6 (one third, not more), nor for one bad broker of a tiny cluster', () => {
    const two = NODE_IDS.map((id, i) => (id <= 2 ? frozen(id) : observation(id, BASE_MS[i]!)));
    expect(assessRound(two, noMemories, DEFAULT_ASSESSMENT_CONFIG, T0).guard).toMatchObject({ tripped: false, badFraction: 0.333 });
    const pair = [frozen(1), observation(2, 5)];
    expect(assessRound(pair, noMemories, DEFAULT_ASSESSMENT_CONFIG, T0).guard.tripped).toBe(false);
  });

  it('flags nothing on an idle cluster with sub-millisecond jitter, however the jitter falls', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = seededRandom(seed);
        const { transitions, log } = simulate(60, () =>
          NODE_IDS.map((id) =>
            observation(id, 0.05 + random() * 0.9, {}, { requestQueueSize: Math.floor(random() * 2), logFlushTimeMeanMs: random(), requestHandlerIdle: 0.99 + random() / 100 }),
          ),
        );
        expect(log.every((r) => [...r.verdicts.values()].every((v) => !v.flagged))).toBe(true);
        expect(transitions).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('marks a fenced broker and a failed probe as unreachable; a failed scrape alone flags nothing', () => {
    const round = [observation(1, 5, { fenced: true }), frozen(2), observation(3, 5, { signals: null }), observation(4, 6), observation(5, 7), observation(6, 6)];
    const { verdicts } = assessRound(round, noMemories, DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(verdicts.get(1)!.evidence.fired.map((f) => f.rule)).toEqual(['fenced']);
    expect(verdicts.get(2)!).toMatchObject({ unreachable: true, slow: false });
    expect(verdicts.get(2)!.evidence.fired.map((f) => f.rule)).toEqual(['probe-failed']);
    expect(verdicts.get(3)!).toMatchObject({ flagged: false });
    expect(verdicts.get(3)!.evidence.scrapeOk).toBe(false);
  });

  it('marks storage stalled when produce fails while fetch works, or the log end offset is stuck', () => {
    const round = [
      observation(1, 5, { probe: { produceMs: null, fetchMs: 2, requestMs: 1, ok: false } }),
      observation(2, 5, {}, { logEndOffsetAdvancing: false }),
      ...[3, 4, 5, 6].map((id) => observation(id, 6)),
    ];
    const { verdicts } = assessRound(round, noMemories, DEFAULT_ASSESSMENT_CONFIG, T0);
    expect(verdicts.get(1)!).toMatchObject({ storageStalled: true, unreachable: false });
    expect(verdicts.get(1)!.evidence.fired.map((f) => f.rule)).toEqual(['produce-fails-fetch-works']);
    expect(verdicts.get(2)!).toMatchObject({ storageStalled: true, slow: false });
  });

  it('marks storage stalled when log flush time is far over the peers and its own history', () => {
    const memories = warmMemories();
    const round = NODE_IDS.map((id, i) => observation(id, BASE_MS[i]!, {}, id === 5 ? { logFlushTimeMeanMs: 400 } : {}));
    const v = assessRound(round, memories, DEFAULT_ASSESSMENT_CONFIG, T0).verdicts.get(5)!;
    expect(v).toMatchObject({ storageStalled: true, slow: false });
    expect(v.evidence.fired.map((f) => f.rule)).toEqual(['log-flush-vs-peers-and-history']);
  });

  it('judges against the cell when asked to and the cell has enough peers, else the cluster', () => {
    const cell = resolveAssessmentConfig({ peerScope: 'cell' });
    // cell-1 = 1, 3, 5 is uniformly slow; cell-2 is fast. Against its cell broker 1 is normal.
    const round = sixBrokers((id) => (id % 2 === 1 ? 30 : 5));
    const byCell = assessRound(round, noMemories, cell, T0);
    expect(byCell.verdicts.get(1)!.evidence.peerScope).toBe('cell');
    expect(byCell.verdicts.get(1)!.slow).toBe(false);
    const small = resolveAssessmentConfig({ peerScope: 'cell', minPeers: 3 });
    expect(assessRound(round, noMemories, small, T0).verdicts.get(1)!.evidence.peerScope).toBe('cluster');
  });

  it('is deterministic and does not read anything but its arguments', () => {
    const memories = warmMemories();
    const round = loadedCluster(7)(0);
    expect(assessRound(round, memories, DEFAULT_ASSESSMENT_CONFIG, T0)).toEqual(assessRound(round, memories, DEFAULT_ASSESSMENT_CONFIG, T0));
    expect(assessRound([], new Map([[1, emptyMemory()]]), DEFAULT_ASSESSMENT_CONFIG, T0).guard).toMatchObject({ tripped: false, observed: 0 });
  });
});
