export * from './engine/index.js';
export * from './errors/index.js';
export * from './guards/index.js';
export * from './identity/index.js';
export * from './memory/index.js';
export * from './middleware/index.js';
export * from './shadow/index.js';
export * from './spec/index.js';
