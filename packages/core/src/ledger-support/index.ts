export { validateLedgerBatch, zeroCounters } from './ledger-support.js';
