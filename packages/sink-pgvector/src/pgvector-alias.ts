import { InvalidInputError, type SinkAlias, type SinkCallOptions } from '@drift-spark/core';
import type { SqlDriver } from './pgvector-driver.js';
import { toDriftError } from './pgvector-errors.js';
import { quoteIdentifier } from './pgvector-identifiers.js';

export interface PgvectorAliasOptions {
  sinkId: string;
  /** The sink's table name (unquoted) and schema (default: the first on the search_path). */
  table: string;
  schema?: string;
  /** The open driver (throws when the sink is not open). */
  driver: (signal?: AbortSignal) => SqlDriver;
}

/**
 * The stable name of a pgvector sink: a view `create view <name> as select * from <table>`
 * in the table's schema. Applications query the view with plain SQL; moving it drops and
 * recreates it in one transaction (a view cannot change the vector column's dimensions
 * in place), so a reader sees the old table or the new one, never neither.
 */
export function pgvectorAlias(options: PgvectorAliasOptions): SinkAlias {
  const schemaSql = options.schema === undefined ? 'current_schema()' : '$2';
  const qualified = (name: string) =>
    options.schema === undefined
      ? quoteIdentifier(name)
      : `${quoteIdentifier(options.schema)}.${quoteIdentifier(name)}`;
  const kindOf = `select c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relname = $1 and n.nspname = ${schemaSql}`;
  const parameters = (name: string) =>
    options.schema === undefined ? [name] : [name, options.schema];

  return {
    target: options.table,
    async point(name, call?: SinkCallOptions) {
      const driver = options.driver(call?.signal);
      if (name === options.table)
        throw new InvalidInputError(
          `The view name "${name}" is the sink's own table; choose another name for applications to query.`,
        );
      try {
        await driver.transaction(async (executor) => {
          const found = await executor.query<{ kind: string }>(kindOf, parameters(name));
          const kind = found[0]?.kind;
          if (kind !== undefined && kind !== 'v')
            throw new InvalidInputError(
              `"${name}" is a table (or another relation), not a view: Drift only moves views it can recreate. Choose another name.`,
            );
          if (kind === 'v') await executor.query(`drop view ${qualified(name)}`);
          await executor.query(
            `create view ${qualified(name)} as select * from ${qualified(options.table)}`,
          );
        });
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw toDriftError(error, `point the view ${name} at ${options.table}`, options.sinkId);
      }
    },
    async read(name, call?: SinkCallOptions) {
      const driver = options.driver(call?.signal);
      try {
        const rows = await driver.query<{ table_name: string }>(
          `select table_name from information_schema.view_table_usage
             where view_name = $1 and view_schema = ${schemaSql} limit 1`,
          parameters(name),
        );
        return rows[0]?.table_name;
      } catch (error) {
        throw toDriftError(error, `read the view ${name}`, options.sinkId);
      }
    },
  };
}
