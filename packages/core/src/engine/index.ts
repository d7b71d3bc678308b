export * from './engine-types.js';
export * from './engine-events.js';
