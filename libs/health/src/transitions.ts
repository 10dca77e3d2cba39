import { HEALTH_STATES, type BadState, type HealthState, type Mitigation, type TransitionRule } from './types';

/**
 * Each state's one mitigation strategy. RECOVERING's strategy, restoring preferred leadership,
 * runs when its healthy cool-down ends, which is the transition RECOVERING → HEALTHY: until then
 * leadership stays off the broker so a relapse costs no second move.
 */
export const MITIGATION_FOR: Readonly<Record<HealthState, Mitigation>> = Object.freeze({
  HEALTHY: 'NONE',
  SUSPECT: 'WATCH',
  SLOW: 'MOVE_LEADERSHIP_OFF',
  UNREACHABLE: 'MOVE_LEADERSHIP_OFF',
  STORAGE_STALLED: 'MOVE_REPLICAS_OFF',
  RECOVERING: 'RESTORE_LEADERSHIP',
  DEMOTED: 'MOVE_LEADERSHIP_OFF',
  DRAINED: 'MOVE_REPLICAS_OFF',
});

/** One row of the transition table: the code emits only these, README.md lists exactly these. */
export interface TransitionSpec {
  from: readonly HealthState[];
  rule: TransitionRule;
  to: HealthState;
  /** What the detector does on this transition. */
  mitigation: Mitigation;
  condition: string;
}

const except = (state: HealthState) => HEALTH_STATES.filter((s) => s !== state);

/** More severe bad states win when several scores reach their threshold in the same round. */
export const SEVERITY: Readonly<Record<BadState, number>> = Object.freeze({ SLOW: 1, UNREACHABLE: 2, STORAGE_STALLED: 3 });

export const TRANSITIONS: readonly TransitionSpec[] = Object.freeze([
  { from: ['HEALTHY'], rule: 'suspect', to: 'SUSPECT', mitigation: 'WATCH', condition: 'a score reached its suspectAt' },
  { from: ['SUSPECT'], rule: 'cleared', to: 'HEALTHY', mitigation: 'NONE', condition: 'every score back to 0' },
  { from: ['HEALTHY', 'SUSPECT'], rule: 'slow', to: 'SLOW', mitigation: 'MOVE_LEADERSHIP_OFF', condition: 'slow score reached slow.actAt' },
  {
    from: ['HEALTHY', 'SUSPECT', 'SLOW'],
    rule: 'unreachable',
    to: 'UNREACHABLE',
    mitigation: 'MOVE_LEADERSHIP_OFF',
    condition: 'unreachable score reached unreachable.actAt',
  },
  {
    from: ['HEALTHY', 'SUSPECT', 'SLOW', 'UNREACHABLE'],
    rule: 'storage-stalled',
    to: 'STORAGE_STALLED',
    mitigation: 'MOVE_REPLICAS_OFF',
    condition: 'storageStalled score reached storageStalled.actAt',
  },
  {
    from: ['UNREACHABLE'],
    rule: 'unreachable-prolonged',
    to: 'UNREACHABLE',
    mitigation: 'MOVE_REPLICAS_OFF',
    condition: 'still unreachable unreachableDrainAfterMs after entering UNREACHABLE (once; memory.escalated)',
  },
  {
    from: ['SLOW', 'UNREACHABLE', 'STORAGE_STALLED'],
    rule: 'clean-rounds',
    to: 'RECOVERING',
    mitigation: 'NONE',
    condition: 'cleanRoundsToRecover clean rounds in a row',
  },
  { from: ['RECOVERING'], rule: 'relapse', to: 'SLOW', mitigation: 'MOVE_LEADERSHIP_OFF', condition: 'a score back at its suspectAt, having recovered from SLOW' },
  {
    from: ['RECOVERING'],
    rule: 'relapse',
    to: 'UNREACHABLE',
    mitigation: 'MOVE_LEADERSHIP_OFF',
    condition: 'a score back at its suspectAt, having recovered from UNREACHABLE',
  },
  {
    from: ['RECOVERING'],
    rule: 'relapse',
    to: 'STORAGE_STALLED',
    mitigation: 'MOVE_REPLICAS_OFF',
    condition: 'a score back at its suspectAt, having recovered from STORAGE_STALLED',
  },
  {
    from: ['RECOVERING'],
    rule: 'cool-down-done',
    to: 'HEALTHY',
    mitigation: 'RESTORE_LEADERSHIP',
    condition: 'a clean round recoveryCoolDownMs after entering RECOVERING',
  },
  { from: except('DEMOTED'), rule: 'operator-demote', to: 'DEMOTED', mitigation: 'MOVE_LEADERSHIP_OFF', condition: 'operator demote' },
  { from: except('DRAINED'), rule: 'operator-drain', to: 'DRAINED', mitigation: 'MOVE_REPLICAS_OFF', condition: 'operator drain' },
  { from: except('HEALTHY'), rule: 'operator-restore', to: 'HEALTHY', mitigation: 'RESTORE_LEADERSHIP', condition: 'operator restore' },
] satisfies TransitionSpec[]);

/** The table row for a transition the state machine is about to make; a missing row is a bug. */
export function transitionSpec(from: HealthState, rule: TransitionRule, to: HealthState): TransitionSpec {
  const spec = TRANSITIONS.find((t) => t.rule === rule && t.to === to && t.from.includes(from));
  if (!spec) throw new Error(`health state machine bug: no transition ${from} --${rule}--> ${to} in TRANSITIONS`);
  return spec;
}
