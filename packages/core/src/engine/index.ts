export * from './engine-events.js';
export { planEmbed, planSync } from './engine-plan.js';
export { embed, sync } from './engine-run.js';
export * from './engine-types.js';
