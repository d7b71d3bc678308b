import type { Ledger, LedgerReports } from '@drift-spark/core';
import { hasLedgerReports } from '@drift-spark/core/internal';
import { CliError } from '../errors/cli-error.js';

/**
 * The ledger with its reporting queries (`LedgerReports`), for the commands that read
 * them. A custom ledger may implement the engine contract only: then the command stops
 * with one line naming itself and what is missing.
 */
export function requireLedgerReports(ledger: Ledger, command: string): Ledger & LedgerReports {
  if (hasLedgerReports(ledger)) return ledger;
  throw new CliError(
    `${command} needs a ledger that answers reports (LedgerReports: cost, provenance, getRun, failures), and this one implements the engine contract only: use the SQLite ledger of @drift-spark/ledger, or add LedgerReports to yours.`,
    { code: 'unsupported-ledger' },
  );
}
