export * from './engine-types.js';
export * from './engine-events.js';
export { embed, sync } from './engine-run.js';
export { planEmbed, planSync } from './engine-plan.js';
