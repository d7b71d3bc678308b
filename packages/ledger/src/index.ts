export {
  createSqliteLedger,
  type SqliteLedger,
  type SqliteLedgerOptions,
} from './sqlite-ledger.js';
