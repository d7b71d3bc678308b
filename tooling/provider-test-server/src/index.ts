export * from './bedrock-wire.js';
export * from './fake-vector.js';
export * from './openai-wire.js';
export * from './test-server.js';
export * from './token-bucket.js';
