export { type ForgetOptions, type ForgetResult, forget, keyDigest } from './forget.js';
export { type RepairOptions, type RepairPlan, type RepairResult, repair } from './repair.js';
export {
  type DriftKind,
  driftKinds,
  type VerifyOptions,
  type VerifyResult,
  verify,
} from './verify.js';
