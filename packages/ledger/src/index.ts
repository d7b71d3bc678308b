export {
  createSqliteLedger,
  type SqliteLedger,
  type SqliteLedgerOptions,
} from './sqlite-ledger.js';
export { ledgerSchemaVersion } from './sqlite-ledger-schema.js';
