export {
  type ErasingLedger,
  hasErasure,
  hasLedgerReports,
  ledgerErasureMethods,
  ledgerReportMethods,
} from './ledger-capabilities.js';
export { validateLedgerBatch, zeroCounters } from './ledger-support.js';
