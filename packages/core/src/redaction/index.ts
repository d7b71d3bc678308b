export * from './redact-secrets.js';
export * from './without-input-text.js';
