export * from './chunk-spec.js';
export * from './chunk-text.js';
export * from './text-chunk.js';
