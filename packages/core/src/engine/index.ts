export * from './engine-events.js';
export { planEmbed, planSync } from './engine-plan.js';
export { embed, sync } from './engine-run.js';
export { findSinkLoss, type SinkLoss } from './engine-sink-truth.js';
export * from './engine-types.js';
