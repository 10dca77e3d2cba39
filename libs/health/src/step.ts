import type { HealthConfig } from './config';
import { pushBounded } from './stats';
import { SEVERITY, transitionSpec } from './transitions';
import {
  FLAG_KINDS,
  type BadState,
  type BrokerHealth,
  type BrokerMemory,
  type FlagKind,
  type HealthInput,
  type HealthState,
  type HealthTransition,
  type JudgedSignal,
  type OperatorAction,
  type SignalEvidence,
  type Scores,
  type StepResult,
  type TransitionRule,
  type Verdict,
} from './types';

/** Enough to pass any sensible `minHistorySamples`; the count only needs to reach it. */
const OUTLIER_ROUNDS_CAP = 1_000;

const STATE_OF_KIND: Record<FlagKind, BadState> = { slow: 'SLOW', unreachable: 'UNREACHABLE', storageStalled: 'STORAGE_STALLED' };
const ZERO_SCORES: Scores = Object.freeze({ slow: 0, unreachable: 0, storageStalled: 0 });

/**
 * Advances one broker's health by one input. Pure: the same health, input, config and `now` give
 * the same result, so a detector restarted from the stored health carries on identically.
 *
 * Rounds whose guard tripped change nothing at all (not the state, not a score, not a counter, not
 * the history): the round says more about the probe path than about the broker, and counting it
 * either way would let a network blip push brokers towards a bad state or out of one.
 */
export function step(health: BrokerHealth, input: HealthInput, config: HealthConfig, now: number): StepResult {
  if (input.kind === 'operator') return operatorStep(health, input, now);
  if (input.guardTripped) return { next: health };
  return roundStep(health, input.verdict, config, now);
}

function roundStep(health: BrokerHealth, verdict: Verdict, config: HealthConfig, now: number): StepResult {
  const memory = rememberRound(health.memory, verdict, config, now);
  const { state } = health;
  const stay = (): StepResult => ({ next: { ...health, memory } });
  const move = (rule: TransitionRule, to: HealthState, reason: string, patch: Partial<BrokerMemory> = {}): StepResult => {
    const nextMemory = { ...memory, ...patch };
    return {
      next: { state: to, since: now, memory: nextMemory },
      transition: makeTransition(state, rule, to, reason, now, 'detector', nextMemory, { verdict }),
    };
  };
  const acting = mostSevereOver(memory.scores, config, (k) => config[k].actAt);

  switch (state) {
    case 'HEALTHY':
    case 'SUSPECT': {
      if (acting) return move(ruleFor(acting), acting, `${scoreText(acting, memory, config)}: ${firedText(verdict)}`, { cleanRounds: 0 });
      if (state === 'HEALTHY') {
        const suspect = mostSevereOver(memory.scores, config, (k) => config[k].suspectAt);
        return suspect ? move('suspect', 'SUSPECT', `${scoreText(suspect, memory, config)}: ${firedText(verdict)}`) : stay();
      }
      return FLAG_KINDS.every((k) => memory.scores[k] === 0) ? move('cleared', 'HEALTHY', 'every score back to 0') : stay();
    }
    case 'SLOW':
    case 'UNREACHABLE':
    case 'STORAGE_STALLED': {
      if (acting && SEVERITY[acting] > SEVERITY[state]) {
        return move(ruleFor(acting), acting, `${scoreText(acting, memory, config)}: ${firedText(verdict)}`, { escalated: false });
      }
      if (
        state === 'UNREACHABLE' &&
        verdict.unreachable &&
        !memory.escalated &&
        now - health.since >= config.unreachableDrainAfterMs
      ) {
        return move(
          'unreachable-prolonged',
          'UNREACHABLE',
          `unreachable for ${Math.round((now - health.since) / 1000)} s (≥ ${config.unreachableDrainAfterMs / 1000} s): move its replicas off too`,
          { escalated: true },
        );
      }
      if (memory.cleanRounds >= config.cleanRoundsToRecover) {
        return move('clean-rounds', 'RECOVERING', `${memory.cleanRounds} clean rounds in a row`, {
          recoveringFrom: state,
          escalated: false,
          scores: { ...ZERO_SCORES },
        });
      }
      return stay();
    }
    case 'RECOVERING': {
      // Scores restart at 0 on entering RECOVERING; one noisy round must not undo a recovery (and
      // start a second mitigation), so a relapse needs a score back at its suspectAt.
      const relapsing = mostSevereOver(memory.scores, config, (k) => config[k].suspectAt);
      if (relapsing) {
        const back = memory.recoveringFrom ?? 'SLOW';
        return move('relapse', back, `${scoreText(relapsing, memory, config)} while recovering from ${back}: ${firedText(verdict)}`, {
          recoveringFrom: null,
          escalated: false,
        });
      }
      if (!verdict.flagged && now - health.since >= config.recoveryCoolDownMs) {
        return move('cool-down-done', 'HEALTHY', `no flag for ${Math.round((now - health.since) / 1000)} s: restore preferred leadership`, {
          recoveringFrom: null,
          scores: { ...ZERO_SCORES },
        });
      }
      return stay();
    }
    case 'DEMOTED':
    case 'DRAINED':
      // Sticky until the operator restores; the memory keeps learning so the evidence stays current.
      return stay();
  }
}

/** The round's effect on the memory: scores, counters and the broker's own history. */
function rememberRound(memory: BrokerMemory, verdict: Verdict, config: HealthConfig, now: number): BrokerMemory {
  const flaggedKinds: Record<FlagKind, boolean> = {
    slow: verdict.slow,
    unreachable: verdict.unreachable,
    storageStalled: verdict.storageStalled,
  };
  const scores = { ...memory.scores };
  for (const kind of FLAG_KINDS) {
    scores[kind] = flaggedKinds[kind] ? Math.min(scores[kind] + 1, config.maxScore) : Math.max(scores[kind] - 1, 0);
  }
  const history = { ...memory.history };
  for (const [signal, value] of Object.entries(verdict.samples) as [JudgedSignal, number][]) {
    if (Number.isFinite(value)) history[signal] = pushBounded(history[signal], value, config.historySize);
  }
  // Outlier rounds of signals that had no history to be judged by (see assessRound's warm-up).
  const outlierRounds = { ...(memory.outlierRounds ?? {}) };
  for (const [signal, evidence] of Object.entries(verdict.evidence.signals) as [JudgedSignal, SignalEvidence][]) {
    if (evidence.historyMedian !== null) delete outlierRounds[signal];
    else if (evidence.outlierVsPeers) outlierRounds[signal] = Math.min((outlierRounds[signal] ?? 0) + 1, OUTLIER_ROUNDS_CAP);
  }
  return {
    ...memory,
    scores,
    cleanRounds: verdict.flagged ? 0 : memory.cleanRounds + 1,
    rounds: memory.rounds + 1,
    lastRoundAt: now,
    lastFlaggedAt: verdict.flagged ? now : memory.lastFlaggedAt,
    history,
    outlierRounds,
  };
}

function operatorStep(health: BrokerHealth, input: Extract<HealthInput, { kind: 'operator' }>, now: number): StepResult {
  const target: Record<OperatorAction, { to: HealthState; rule: TransitionRule }> = {
    demote: { to: 'DEMOTED', rule: 'operator-demote' },
    drain: { to: 'DRAINED', rule: 'operator-drain' },
    restore: { to: 'HEALTHY', rule: 'operator-restore' },
  };
  const { to, rule } = target[input.action];
  if (health.state === to) return { next: health };
  const memory: BrokerMemory = {
    ...health.memory,
    recoveringFrom: null,
    escalated: false,
    ...(input.action === 'restore' ? { scores: { ...ZERO_SCORES }, cleanRounds: 0 } : {}),
  };
  const operator = {
    action: input.action,
    ...(input.actor === undefined ? {} : { actor: input.actor }),
    ...(input.note === undefined ? {} : { note: input.note }),
  };
  const reason = `operator ${input.action}${input.actor ? ` by ${input.actor}` : ''}${input.note ? `: ${input.note}` : ''}`;
  return {
    next: { state: to, since: now, memory },
    transition: makeTransition(health.state, rule, to, reason, now, 'operator', memory, { operator }),
  };
}

function makeTransition(
  from: HealthState,
  rule: TransitionRule,
  to: HealthState,
  reason: string,
  at: number,
  actor: HealthTransition['actor'],
  memory: BrokerMemory,
  extra: Pick<HealthTransition['evidence'], 'verdict' | 'operator'>,
): HealthTransition {
  const spec = transitionSpec(from, rule, to);
  return {
    from,
    to,
    rule,
    reason,
    mitigation: spec.mitigation,
    actor,
    at,
    evidence: { scores: { ...memory.scores }, cleanRounds: memory.cleanRounds, ...extra },
  };
}

/** The most severe kind whose score is at or over its threshold, if any. */
function mostSevereOver(scores: Scores, config: HealthConfig, threshold: (k: FlagKind) => number): BadState | null {
  let best: BadState | null = null;
  for (const kind of FLAG_KINDS) {
    const state = STATE_OF_KIND[kind];
    if (scores[kind] >= threshold(kind) && (best === null || SEVERITY[state] > SEVERITY[best])) best = state;
  }
  return best;
}

const KIND_OF_STATE: Record<BadState, FlagKind> = { SLOW: 'slow', UNREACHABLE: 'unreachable', STORAGE_STALLED: 'storageStalled' };
const RULE_OF_STATE: Record<BadState, TransitionRule> = { SLOW: 'slow', UNREACHABLE: 'unreachable', STORAGE_STALLED: 'storage-stalled' };
const ruleFor = (state: BadState) => RULE_OF_STATE[state];

function scoreText(state: BadState, memory: BrokerMemory, config: HealthConfig): string {
  const kind = KIND_OF_STATE[state];
  return `${kind} score ${memory.scores[kind]} (suspect at ${config[kind].suspectAt}, act at ${config[kind].actAt})`;
}

function firedText(verdict: Verdict): string {
  const rules = verdict.evidence.fired.map((f) => f.rule);
  return rules.length > 0 ? [...new Set(rules)].join(', ') : 'clean round';
}
