export * from './types';
export { PLANNER_ERROR_CODES, PlannerError, type PlannerErrorCode } from './planner.error';
export { ewma, updateEwma, type EwmaState } from './ewma';
export { brokerLoad, rawLoad, partitionTraffic, predictRequestHandlerBusy, summarizeCells, type BrokerTraffic } from './load-model';
export { DEFAULT_PLANNER_SETTINGS, resolveSettings, type ResolvedSettings } from './settings';
export { plan } from './plan';
export { predictLoads } from './predict-loads';
export { applyMoves } from './apply-moves';
export { checkHardGoals, type HardGoalViolation } from './hard-goal-check';
