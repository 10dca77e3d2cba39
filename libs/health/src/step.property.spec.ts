import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_HEALTH_CONFIG, resolveHealthConfig, type HealthConfig } from './config';
import { initialHealth } from './memory';
import { step } from './step';
import { TRANSITIONS } from './transitions';
import { ROUND_MS, T0, loadedCluster, simulate, verdict } from './test-helpers';
import { FLAG_KINDS, HEALTH_STATES, type BrokerHealth, type FlagKind, type HealthInput, type HealthTransition, type OperatorAction } from './types';

type Flags = Partial<Record<FlagKind, boolean>>;
const flagsOf = (kind: FlagKind | null): Flags => (kind === null ? {} : { [kind]: true });
const round = (flags: Flags, guardTripped = false): HealthInput => ({ kind: 'round', verdict: verdict(flags), guardTripped });
const operator = (action: OperatorAction): HealthInput => ({ kind: 'operator', action });

const arbKind = fc.constantFrom<FlagKind>(...FLAG_KINDS);
const arbFlags: fc.Arbitrary<Flags> = fc.record({ slow: fc.boolean(), unreachable: fc.boolean(), storageStalled: fc.boolean() });
/** A flagged round: at least one kind. */
const arbFlagged = arbFlags.filter((f) => FLAG_KINDS.some((k) => f[k]));
/** Any input, with flagged rounds frequent enough to reach every state. */
const arbInput: fc.Arbitrary<HealthInput> = fc.oneof(
  { weight: 6, arbitrary: arbFlags.map((f) => round(f)) },
  { weight: 4, arbitrary: fc.constant(round({})) },
  { weight: 1, arbitrary: arbFlags.map((f) => round(f, true)) },
  { weight: 1, arbitrary: fc.constantFrom<OperatorAction>('demote', 'drain', 'restore').map(operator) },
);
/** Runs of the same input, so walks make the streaks that cross thresholds. */
const arbWalk = fc
  .array(fc.tuple(arbInput, fc.integer({ min: 1, max: 12 })), { maxLength: 30 })
  .map((runs) => runs.flatMap(([input, n]) => Array.from({ length: n }, () => input)));

const arbConfig: fc.Arbitrary<HealthConfig> = fc
  .record({
    suspect: fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })),
    extra: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
    cleanRoundsToRecover: fc.integer({ min: 2, max: 6 }),
    coolDownRounds: fc.integer({ min: 0, max: 10 }),
    drainAfterRounds: fc.integer({ min: 0, max: 20 }),
    historySize: fc.integer({ min: 1, max: 8 }),
  })
  .map((r) =>
    resolveHealthConfig({
      slow: { suspectAt: r.suspect[0], actAt: r.suspect[0] + r.extra[0] },
      unreachable: { suspectAt: r.suspect[1], actAt: r.suspect[1] + r.extra[1] },
      storageStalled: { suspectAt: r.suspect[2], actAt: r.suspect[2] + r.extra[2] },
      maxScore: 10,
      cleanRoundsToRecover: r.cleanRoundsToRecover,
      recoveryCoolDownMs: r.coolDownRounds * ROUND_MS,
      unreachableDrainAfterMs: r.drainAfterRounds * ROUND_MS,
      historySize: r.historySize,
    }),
  );

/** Feeds inputs one per round (3 s apart) starting after `start`. */
function run(inputs: readonly HealthInput[], config: HealthConfig, health: BrokerHealth = initialHealth(T0), start = T0) {
  const transitions: HealthTransition[] = [];
  const states: BrokerHealth[] = [];
  let h = health;
  inputs.forEach((input, i) => {
    const { next, transition } = step(h, input, config, start + (i + 1) * ROUND_MS);
    h = next;
    states.push(h);
    if (transition) transitions.push(transition);
  });
  return { health: h, transitions, states, end: start + inputs.length * ROUND_MS };
}

/**
 * Noise below the threshold: flagged rounds of any kinds, except that a flag that would take its
 * kind's score to `suspectAt` is replaced by a clean round.
 */
function belowThreshold(kinds: readonly (FlagKind | null)[], config: HealthConfig): HealthInput[] {
  const scores: Record<FlagKind, number> = { slow: 0, unreachable: 0, storageStalled: 0 };
  return kinds.map((wanted) => {
    const kind = wanted !== null && scores[wanted] + 1 < config[wanted].suspectAt ? wanted : null;
    for (const k of FLAG_KINDS) scores[k] = k === kind ? scores[k] + 1 : Math.max(0, scores[k] - 1);
    return round(flagsOf(kind));
  });
}

describe('health state machine properties', () => {
  it('noise below the threshold never changes the state', () => {
    fc.assert(
      fc.property(arbConfig, fc.array(fc.option(arbKind, { nil: null }), { maxLength: 300 }), (config, kinds) => {
        const { transitions, health } = run(belowThreshold(kinds, config), config);
        expect(transitions).toEqual([]);
        expect(health.state).toBe('HEALTHY');
      }),
    );
  });

  it('noise below the threshold while RECOVERING never relapses: the only way out is the cool-down, to HEALTHY', () => {
    fc.assert(
      fc.property(arbConfig, arbKind, fc.array(fc.option(arbKind, { nil: null }), { maxLength: 300 }), (config, cause, kinds) => {
        const bad = Array.from({ length: config[cause].actAt }, () => round(flagsOf(cause)));
        const clean = Array.from({ length: config.cleanRoundsToRecover }, () => round({}));
        const before = run([...bad, ...clean], config);
        expect(before.health.state).toBe('RECOVERING');
        const after = run(belowThreshold(kinds, config), config, before.health, before.end);
        expect(after.transitions.map((t) => t.to).filter((to) => to !== 'HEALTHY')).toEqual([]);
      }),
    );
  });

  it('alternating flagged and clean rounds never leave HEALTHY, for any kinds and length', () => {
    fc.assert(
      fc.property(arbConfig, fc.array(arbFlagged, { minLength: 1, maxLength: 200 }), (config, flags) => {
        const inputs = flags.flatMap((f) => [round(f), round({})]);
        expect(run(inputs, config).transitions).toEqual([]);
      }),
    );
  });

  it('alternating noise after any history does not oscillate: at most two transitions, however long', () => {
    fc.assert(
      fc.property(arbConfig, arbWalk, fc.array(arbFlagged, { minLength: 1, maxLength: 100 }), fc.boolean(), (config, prefix, flags, cleanFirst) => {
        const before = run(prefix, config);
        const pairs = flags.flatMap((f) => (cleanFirst ? [round({}), round(f)] : [round(f), round({})]));
        const after = run(pairs, config, before.health, before.end);
        // State changes only: an UNREACHABLE broker's one-off escalation keeps its state.
        expect(after.transitions.filter((t) => t.from !== t.to).length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('a guard-tripped round changes nothing, from any health', () => {
    fc.assert(
      fc.property(arbConfig, arbWalk, arbFlags, fc.integer({ min: 0, max: 10_000_000 }), (config, prefix, flags, later) => {
        const { health, end } = run(prefix, config);
        const result = step(health, round(flags, true), config, end + later);
        expect(result.transition).toBeUndefined();
        expect(result.next).toBe(health);
      }),
    );
  });

  it('the memory survives a JSON round trip mid-sequence with identical results', () => {
    fc.assert(
      fc.property(arbConfig, arbWalk, fc.nat(), (config, inputs, cutAt) => {
        const cut = inputs.length === 0 ? 0 : cutAt % inputs.length;
        const straight = run(inputs, config);
        const first = run(inputs.slice(0, cut), config);
        const stored = JSON.parse(JSON.stringify(first.health)) as BrokerHealth;
        const resumed = run(inputs.slice(cut), config, stored, first.end);
        expect([...first.transitions, ...resumed.transitions]).toEqual(straight.transitions);
        expect(resumed.health).toEqual(straight.health);
      }),
    );
  });

  it('keeps its invariants on any walk: scores bounded, history bounded, operator states left only by the operator', () => {
    fc.assert(
      fc.property(arbConfig, arbWalk, (config, inputs) => {
        const { transitions, states } = run(inputs, config);
        for (const h of states) {
          for (const k of FLAG_KINDS) expect(h.memory.scores[k]).toBeGreaterThanOrEqual(0);
          for (const k of FLAG_KINDS) expect(h.memory.scores[k]).toBeLessThanOrEqual(config.maxScore);
          for (const values of Object.values(h.memory.history)) expect(values!.length).toBeLessThanOrEqual(config.historySize);
          expect(h.state === 'RECOVERING').toBe(h.memory.recoveringFrom !== null);
          if (h.memory.escalated) expect(h.state).toBe('UNREACHABLE');
        }
        for (const t of transitions) {
          if (t.from === 'DEMOTED' || t.from === 'DRAINED') expect(t.actor).toBe('operator');
          if (t.actor === 'detector' && ['slow', 'unreachable', 'storage-stalled'].includes(t.rule)) {
            const kind = ({ slow: 'slow', unreachable: 'unreachable', 'storage-stalled': 'storageStalled' } as const)[t.rule as 'slow'];
            expect(t.evidence.scores[kind]).toBeGreaterThanOrEqual(config[kind].actAt);
          }
          expect(JSON.parse(JSON.stringify(t))).toEqual(t);
        }
      }),
    );
  });

  it('every state is reachable and can be left: random walks exercise every row of the transition table', () => {
    const timing = { recoveryCoolDownMs: 5 * ROUND_MS, unreachableDrainAfterMs: 5 * ROUND_MS };
    // With suspectAt = actAt a broker skips SUSPECT, which the default config never does.
    const configs = [
      resolveHealthConfig(timing),
      resolveHealthConfig({ ...timing, slow: { suspectAt: 3, actAt: 3 }, unreachable: { suspectAt: 2, actAt: 2 }, storageStalled: { suspectAt: 2, actAt: 2 } }),
    ];
    const seen = new Set<string>();
    for (const config of configs) {
      for (const walk of fc.sample(arbWalk, { seed: 20261122, numRuns: 1_000 })) {
        for (const t of run(walk, config).transitions) seen.add(`${t.from} ${t.rule} ${t.to} ${t.mitigation}`);
      }
    }
    const rows = TRANSITIONS.flatMap((t) => t.from.map((from) => `${from} ${t.rule} ${t.to} ${t.mitigation}`));
    expect(rows.filter((row) => !seen.has(row))).toEqual([]);
    expect([...seen].filter((row) => !rows.includes(row))).toEqual([]);
    for (const state of HEALTH_STATES) {
      expect([...seen].some((row) => row.endsWith(` ${state} ${row.split(' ')[3]}`) && !row.startsWith(`${state} `))).toBe(true);
      expect([...seen].some((row) => row.startsWith(`${state} `) && row.split(' ')[2] !== state)).toBe(true);
    }
  });

  it('the detector loop (assessRound + step) gives the same results when every memory is stored and read back mid-run', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 59 }), fc.integer({ min: 1, max: 6 }), (seed, cut, victim) => {
        const slowdown = (id: number, r: number) => (id === victim && r >= 15 && r < 40 ? 8 : 1);
        const a = loadedCluster(seed);
        const straight = simulate(60, (r) => a(r, slowdown));
        const b = loadedCluster(seed);
        const first = simulate(cut, (r) => b(r, slowdown));
        const stored = new Map([...first.healths].map(([id, h]) => [id, JSON.parse(JSON.stringify(h)) as BrokerHealth]));
        const resumed = simulate(60 - cut, (r) => b(r + cut, slowdown), { healths: stored, startAt: T0 + cut * ROUND_MS });
        expect([...first.transitions, ...resumed.transitions]).toEqual(straight.transitions);
        expect(resumed.healths).toEqual(straight.healths);
      }),
      { numRuns: 25 },
    );
  });

  it('uses DEFAULT_HEALTH_CONFIG as a valid config', () => {
    expect(resolveHealthConfig({})).toEqual(DEFAULT_HEALTH_CONFIG);
  });
});
