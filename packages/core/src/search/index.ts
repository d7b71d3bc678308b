export * from './search-rows.js';
