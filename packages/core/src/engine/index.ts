export { type AdoptResult, adoptSink } from './engine-adopt.js';
export * from './engine-events.js';
export { apportionTokens } from './engine-packing.js';
export { planEmbed, planSync } from './engine-plan.js';
export { type RecoverResult, type RecoverRunOptions, recover } from './engine-recover.js';
export {
  RecoveryNeededError,
  type RecoveryReason,
  recoveryReasonOf,
  recreatedFrom,
} from './engine-recovery-need.js';
export { embed } from './engine-run.js';
export { findSinkLoss, type SinkLoss } from './engine-sink-truth.js';
export { sync } from './engine-sync.js';
export * from './engine-types.js';
