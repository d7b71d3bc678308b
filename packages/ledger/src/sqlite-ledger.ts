import type { LedgerReportsV1, LedgerV1 } from '@drift-spark/core';
import type { MigrationStoreV1 } from '@drift-spark/core/internal';
import { sqliteBatch } from './sqlite-ledger-batch.js';
import { lazyConnection, type SqliteLedgerOptions } from './sqlite-ledger-connection.js';
import { sqliteDrop } from './sqlite-ledger-drop.js';
import { sqliteErasure } from './sqlite-ledger-erasure.js';
import { sqliteMigrationStore } from './sqlite-ledger-migrations.js';
import { sqlitePending } from './sqlite-ledger-pending.js';
import { sqlitePoints } from './sqlite-ledger-points.js';
import { sqliteReports } from './sqlite-ledger-reports.js';
import { sqliteRetired } from './sqlite-ledger-retired.js';
import { sqliteRuns } from './sqlite-ledger-runs.js';

export type { SqliteLedgerOptions } from './sqlite-ledger-connection.js';

/**
 * The SQLite ledger: one file, safe to open from several processes at once. The whole
 * engine contract (sweep and erasure included), the reports and the migrations store.
 */
export type SqliteLedger = Required<LedgerV1> &
  Required<LedgerReportsV1> & {
    readonly migrations: MigrationStoreV1;
  };

/**
 * Creates the SQLite ledger. Lazy: nothing is read or opened until the first call.
 */
export function createSqliteLedger(options: SqliteLedgerOptions = {}): SqliteLedger {
  const connection = lazyConnection(options);
  return {
    specificationVersion: 'v1',
    ...sqliteRuns(connection),
    ...sqlitePoints(connection),
    ...sqliteBatch(connection),
    ...sqliteErasure(connection),
    ...sqliteReports(connection),
    ...sqliteDrop(connection),
    ...sqliteRetired(connection, options.retiredVectors),
    ...sqlitePending(connection),
    migrations: sqliteMigrationStore(connection),
    close: () => connection.close(),
  };
}
