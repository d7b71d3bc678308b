export * from './assert-specification.js';
export * from './embedder-v1.js';
export * from './ledger-maintenance-v1.js';
export * from './ledger-reports-v1.js';
export * from './ledger-v1.js';
export * from './migration-v1.js';
export * from './sink-v1.js';
export * from './source-v1.js';
