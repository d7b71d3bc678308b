export * from './content-hash.js';
export * from './fingerprint.js';
export * from './key-encoding.js';
export * from './point-id.js';
