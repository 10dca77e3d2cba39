import { PlannerError } from './planner.error';
import { SOFT_GOALS, type Goal, type PlannerSettings } from './types';

/** The defaults of the BalancerSettings table (Cruise Control-like: balanced within ±10%). */
export const DEFAULT_PLANNER_SETTINGS: Readonly<Required<Omit<PlannerSettings, 'inFlight'>>> = Object.freeze({
  goals: ['NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT'] as Goal[],
  triggerThresholdPct: 20,
  stopThresholdPct: 10,
  maxMovesPerRound: 10,
  maxConcurrentMovesPerBroker: 5,
  maxBytesInFlight: 10 * 1024 ** 3,
  minImbalancePct: 0,
  capacityLimitPct: 100,
  moveCostBytes: 64 * 1024 ** 2,
});

/** Settings with every optional knob filled in and the goal order final. */
export interface ResolvedSettings {
  goals: Goal[];
  triggerThresholdPct: number;
  stopThresholdPct: number;
  maxMovesPerRound: number;
  maxConcurrentMovesPerBroker: number;
  maxBytesInFlight: number;
  minImbalancePct: number;
  capacityLimitPct: number;
  moveCostBytes: number;
  inFlightBytes: number;
  inFlightMovesPerBroker: Record<number, number>;
}

/**
 * Checks the knobs and fills in the optional ones. CLUSTER_LOAD — the metric the trigger and
 * stop thresholds are defined on — is put first unless the caller placed it themselves, so a
 * plan always works on what triggered it before refining the other goals.
 */
export function resolveSettings(settings: PlannerSettings): ResolvedSettings {
  const problems: string[] = [];
  const nonNegative = (name: string, value: unknown) => {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) problems.push(`${name} must be a number >= 0`);
  };
  nonNegative('triggerThresholdPct', settings.triggerThresholdPct);
  nonNegative('stopThresholdPct', settings.stopThresholdPct);
  nonNegative('maxMovesPerRound', settings.maxMovesPerRound);
  nonNegative('maxConcurrentMovesPerBroker', settings.maxConcurrentMovesPerBroker);
  nonNegative('maxBytesInFlight', settings.maxBytesInFlight);
  if (settings.minImbalancePct !== undefined) nonNegative('minImbalancePct', settings.minImbalancePct);
  if (settings.moveCostBytes !== undefined) nonNegative('moveCostBytes', settings.moveCostBytes);
  if (settings.capacityLimitPct !== undefined && !(settings.capacityLimitPct > 0)) problems.push('capacityLimitPct must be > 0');
  if (settings.stopThresholdPct > settings.triggerThresholdPct) problems.push('stopThresholdPct must not exceed triggerThresholdPct (hysteresis)');
  if (!Array.isArray(settings.goals)) problems.push('goals must be a list');
  const goals = Array.isArray(settings.goals) ? settings.goals : [];
  for (const goal of goals) if (!SOFT_GOALS.includes(goal)) problems.push(`unknown goal ${String(goal)}`);
  if (new Set(goals).size !== goals.length) problems.push('goals must not repeat');
  if (problems.length > 0) throw new PlannerError('invalid_planner_settings', `invalid planner settings: ${problems.join('; ')}`, { problems });
  return {
    goals: goals.includes('CLUSTER_LOAD') ? [...goals] : ['CLUSTER_LOAD', ...goals],
    triggerThresholdPct: settings.triggerThresholdPct,
    stopThresholdPct: settings.stopThresholdPct,
    maxMovesPerRound: Math.floor(settings.maxMovesPerRound),
    maxConcurrentMovesPerBroker: Math.floor(settings.maxConcurrentMovesPerBroker),
    maxBytesInFlight: settings.maxBytesInFlight,
    minImbalancePct: settings.minImbalancePct ?? DEFAULT_PLANNER_SETTINGS.minImbalancePct,
    capacityLimitPct: settings.capacityLimitPct ?? DEFAULT_PLANNER_SETTINGS.capacityLimitPct,
    moveCostBytes: settings.moveCostBytes ?? DEFAULT_PLANNER_SETTINGS.moveCostBytes,
    inFlightBytes: settings.inFlight?.bytes ?? 0,
    inFlightMovesPerBroker: settings.inFlight?.movesPerBroker ?? {},
  };
}
