export * from './key-encoding.js';
export * from './point-id.js';
export * from './content-hash.js';
export * from './fingerprint.js';
