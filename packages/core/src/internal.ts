/**
 * `@drift-spark/core/internal`: every module of core, for plugin authors who accept
 * breaking changes in any release. Not covered by semver; prefer the main entry.
 * Test doubles are in `@drift-spark/core/testkit`.
 */
export * from './chunking/index.js';
export * from './engine/index.js';
export * from './errors/index.js';
export * from './guards/index.js';
export * from './identity/index.js';
export * from './ledger-support/index.js';
export * from './maintenance/index.js';
export * from './memory/index.js';
export * from './middleware/index.js';
export * from './migrate/index.js';
export * from './redaction/index.js';
export * from './search/index.js';
export * from './shadow/index.js';
export * from './spec/index.js';
