/**
 * The little that the pgvector sink needs from a PostgreSQL engine, so one SQL
 * implementation runs on `pg` (a server) and on PGlite (embedded).
 */
export interface SqlExecutor {
  /** Runs one statement with `$n` parameters; returns the rows as objects. */
  query<Row = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<Row[]>;
  /** Runs `COPY … FROM STDIN (FORMAT binary)` (pg) or `… FROM '/dev/blob'` (PGlite) with `data`. */
  copyBinary(table: string, columns: string, data: Uint8Array): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T>;
  /** Whether two calls may run at the same time (a pool: yes; PGlite: one connection). */
  readonly concurrent: boolean;
  close(): Promise<void>;
}
