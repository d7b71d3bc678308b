export * from './migrate-sync.js';
export * from './shared-change-feed.js';
