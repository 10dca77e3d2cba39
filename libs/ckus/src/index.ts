export { CKUS_ERROR_CODES, CkusError, type CkusErrorCode } from './ckus.error';
export { DEFAULT_CKU_PROFILE, parseCkuProfile, type CkuProfile, type ProfileProblem } from './cku-profile';
export { limitsFor, type LogicalClusterLimits } from './limits';
export { DEFAULT_REQUEST_COST_MICROS, connectionCreationRateFor, quotasFor, type ClientQuotas, type QuotaOptions } from './quotas';
export {
  checkCkuRange,
  checkPartitionAdmission,
  checkResize,
  type LogicalClusterUsage,
  type ResizeDecision,
  type ResizeRequest,
} from './admission';
