export * from './change-range.js';
export * from './drift-error.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './no-change-feed-error.js';
