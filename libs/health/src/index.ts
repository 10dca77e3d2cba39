export {
  HEALTH_STATES,
  MITIGATIONS,
  BAD_STATES,
  FLAG_KINDS,
  JUDGED_SIGNALS,
  VERDICT_RULES,
  TRANSITION_RULES,
  type HealthState,
  type Mitigation,
  type BadState,
  type FlagKind,
  type BrokerSignals,
  type BrokerObservation,
  type JudgedSignal,
  type SignalEvidence,
  type VerdictRule,
  type FiredRule,
  type VerdictEvidence,
  type Verdict,
  type GuardResult,
  type RoundAssessment,
  type Scores,
  type BrokerMemory,
  type BrokerHealth,
  type OperatorAction,
  type HealthInput,
  type TransitionRule,
  type HealthTransition,
  type StepResult,
} from './types';
export {
  AssessmentConfigSchema,
  HealthConfigSchema,
  DEFAULT_ASSESSMENT_CONFIG,
  DEFAULT_HEALTH_CONFIG,
  resolveAssessmentConfig,
  resolveHealthConfig,
  type AssessmentConfig,
  type AssessmentConfigInput,
  type HealthConfig,
  type HealthConfigInput,
} from './config';
export { HEALTH_ERROR_CODES, HealthError, type HealthErrorCode } from './health.error';
export { assessRound, type HistorySource } from './assess-round';
export { step } from './step';
export { MITIGATION_FOR, TRANSITIONS, SEVERITY, type TransitionSpec } from './transitions';
export { emptyMemory, initialHealth, parseBrokerMemory, reviveHealth, BrokerMemorySchema } from './memory';
export { placementAllowances } from './allowances';
export { median, medianAbsoluteDeviation, robustZScore } from './stats';
