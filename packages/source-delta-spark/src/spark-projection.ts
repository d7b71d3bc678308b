import type { Row } from '@drift-spark/core';
import type { SparkField } from '@drift-spark/spark-connect';
import type { SparkDeltaClient } from './spark-delta-source.js';
import { sparkDeltaError } from './spark-errors.js';
import {
  columnExpression,
  columnValue,
  hashExpression,
  hashValue,
  quoteIdentifier,
} from './spark-sql.js';
import { type SparkValueConverter, sparkConverter } from './spark-values.js';

/** The suffix of a hashed column's field in a row. */
export const HASH_SUFFIX = ':sha256';

/** The select list of a read, and how each output field becomes a row value. */
export interface Projection {
  sql: string;
  columns: Array<{ name: string; field: string; convert: SparkValueConverter }>;
}

/** The fields of a relation, by name (AnalyzePlan: nothing runs). */
export async function fieldsOf(
  spark: SparkDeltaClient,
  relation: string,
  signal?: AbortSignal,
): Promise<Map<string, SparkField>> {
  const fields = await spark.schema(`SELECT * FROM ${relation}`, { signal });
  return new Map(fields.map((field) => [field.name, field]));
}

/** Rows where `condition` holds get null in every column but `keep` (not sent at all). */
export interface NullUnlessKept {
  condition: string;
  keep: ReadonlySet<string>;
}

/** Projects the asked columns (hashed ones as `<column>:sha256`); an unknown column is an error. */
export function project(
  fields: Map<string, SparkField>,
  columns: string[],
  hashColumns: string[],
  display: string,
  nullUnlessKept?: NullUnlessKept,
): Projection {
  const narrowed = (name: string, value: string, alias: string, plain: string) =>
    nullUnlessKept === undefined || nullUnlessKept.keep.has(name)
      ? plain
      : `CASE WHEN ${nullUnlessKept.condition} THEN NULL ELSE ${value} END AS ${quoteIdentifier(alias)}`;
  const expressions: string[] = [];
  const projected: Projection['columns'] = [];
  for (const name of new Set([...columns, ...hashColumns])) {
    const field = fields.get(name);
    if (!field) {
      throw sparkDeltaError(
        'column-not-found',
        `The table ${display} has no column "${name}". Its columns are: ${[...fields.keys()].join(', ')}. Check the column names you passed (names are case-sensitive).`,
      );
    }
  }
  for (const name of columns) {
    if (hashColumns.includes(name)) continue;
    const field = fields.get(name) as SparkField;
    expressions.push(
      narrowed(name, columnValue(name, field.type), name, columnExpression(name, field.type)),
    );
    projected.push({ name, field: name, convert: sparkConverter(field.type) });
  }
  for (const name of hashColumns) {
    const alias = `${name}${HASH_SUFFIX}`;
    expressions.push(narrowed(name, hashValue(name), alias, hashExpression(name, alias)));
    projected.push({ name: alias, field: alias, convert: sparkConverter('string') });
  }
  return { sql: expressions.length > 0 ? expressions.join(', ') : '', columns: projected };
}

/** A projected Arrow row as a Drift row with canonical values. */
export function toRow(source: Record<string, unknown>, columns: Projection['columns']): Row {
  const row: Row = {};
  for (const column of columns) row[column.name] = column.convert(source[column.field]);
  return row;
}
