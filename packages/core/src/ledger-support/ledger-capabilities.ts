import type { LedgerReportsV1 } from '../spec/ledger-reports-v1.js';
import type { Ledger } from '../spec/ledger-v1.js';

/** The required reporting queries, by name, for checks and messages. */
export const ledgerReportMethods = ['cost', 'provenance', 'getRun', 'failures'] as const;

/** The erasure group of `LedgerV1`: `forget` needs all four. */
export const ledgerErasureMethods = [
  'recordErasure',
  'erasedPoints',
  'sinksOfSource',
  'saveErasureReceipt',
] as const;

/** A ledger with the erasure group. */
export type ErasingLedger = Ledger & Required<Pick<Ledger, (typeof ledgerErasureMethods)[number]>>;

const hasAll = (target: object, names: readonly string[]) =>
  names.every((name) => typeof (target as Record<string, unknown>)[name] === 'function');

/** Whether a ledger also answers the reporting queries (`LedgerReportsV1`). */
export function hasLedgerReports<L extends object>(ledger: L): ledger is L & LedgerReportsV1 {
  return hasAll(ledger, ledgerReportMethods);
}

/** Whether a ledger has the whole erasure group (`forget` refuses a ledger without it). */
export function hasErasure(ledger: Ledger): ledger is ErasingLedger {
  return hasAll(ledger, ledgerErasureMethods);
}

/** The retired-vector pair of `LedgerV1`: the engine keeps and reuses vectors of edited chunks only with both. */
export const ledgerRetiredVectorMethods = ['keepRetiredVectors', 'findRetiredVectors'] as const;

/** The pair's methods, as a ledger that has them implements them. */
export type RetiredVectorMethods = Required<
  Pick<Ledger, (typeof ledgerRetiredVectorMethods)[number]>
>;

/** A ledger with the retired-vector pair. */
export type RetiringLedger = Ledger & RetiredVectorMethods;

/** Whether a ledger keeps the vectors of edited chunks (`keepRetiredVectors` and `findRetiredVectors`). */
export function hasRetiredVectors(ledger: Ledger): ledger is RetiringLedger {
  return hasAll(ledger, ledgerRetiredVectorMethods);
}

/** The pending-write pair of `LedgerV1`: the engine notes each batch's points before the sink write only with both. */
export const ledgerPendingWriteMethods = ['notePendingWrite', 'pendingWrites'] as const;

/** The pair's methods, as a ledger that has them implements them. */
export type PendingWriteMethods = Required<
  Pick<Ledger, (typeof ledgerPendingWriteMethods)[number]>
>;

/** A ledger with the pending-write pair. */
export type PendingWriteLedger = Ledger & PendingWriteMethods;

/** Whether a ledger notes pending writes (`notePendingWrite` and `pendingWrites`). */
export function hasPendingWrites(ledger: Ledger): ledger is PendingWriteLedger {
  return hasAll(ledger, ledgerPendingWriteMethods);
}
