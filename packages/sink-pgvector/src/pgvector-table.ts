import { DimensionMismatchError, SinkError, type SinkOpenOptions } from '@drift-spark/core';
import type { SqlExecutor } from './pgvector-driver.js';
import { quoteIdentifier, quoteLiteral } from './pgvector-identifiers.js';

const REQUIRED_COLUMNS = [
  'id',
  'key',
  'source',
  'content',
  'content_hash',
  'model',
  'embedding',
  'metadata',
  'run_id',
  'updated_at',
];

/** What the sink writes in the table's comment, so a later open can refuse another model. */
interface TableMarker {
  drift: 1;
  model: string;
  dimensions: number;
  distance: 'cosine';
}

export interface TableFound {
  /** This open created the table (it did not exist). */
  created: boolean;
  /** The table fills `updated_at` by itself, so a COPY straight into it works. */
  insertFastPath: boolean;
}

/**
 * Creates the Drift table (and the vector extension, and the schema) or verifies one
 * that exists: its columns, its vector size, the model it holds. Runs in the caller's
 * transaction.
 */
export async function verifyOrCreateTable(
  executor: SqlExecutor,
  where: { table: string; schema?: string | undefined },
  open: SinkOpenOptions,
): Promise<TableFound> {
  const { table, schema } = where;
  // `create … if not exists` is not safe against a second process doing the same at the
  // same instant (a unique violation in the catalog): Drift's DDL takes turns per database.
  await executor.query('select pg_advisory_xact_lock(hashtext($1))', ['drift:create']);
  const extension = await executor.query<{ present: boolean }>(
    `select exists(select 1 from pg_extension where extname = 'vector') as present`,
  );
  if (!extension[0]?.present) await executor.query('create extension if not exists vector');
  if (schema !== undefined) {
    // Checked first: `create schema if not exists` needs CREATE on the database even when it exists.
    const found = await executor.query<{ present: boolean }>(
      'select exists(select 1 from pg_namespace where nspname = $1) as present',
      [schema],
    );
    if (!found[0]?.present)
      await executor.query(`create schema if not exists ${quoteIdentifier(schema)}`);
  }

  const before = await executor.query<{ missing: boolean }>(
    'select to_regclass($1) is null as missing',
    [table],
  );
  await executor.query(
    `create table if not exists ${table} (
      id uuid primary key,
      key text not null,
      source text not null,
      content text,
      content_hash text not null,
      model text not null,
      embedding vector(${open.dimensions}) not null,
      metadata jsonb,
      run_id text,
      updated_at timestamptz not null default now()
    )`,
  );
  const columns = await executor.query<{ name: string; type: string; has_default: boolean }>(
    `select attname::text as name, format_type(atttypid, atttypmod) as type, atthasdef as has_default
       from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped`,
    [table],
  );
  const missing = REQUIRED_COLUMNS.filter(
    (name) => !columns.some((column) => column.name === name),
  );
  if (missing.length > 0) {
    throw new SinkError(
      `The table ${table} exists but is not a Drift table (missing columns: ${missing.join(', ')}). Choose another table with ?table=, or drop it.`,
    );
  }
  const embeddingType = columns.find((column) => column.name === 'embedding')?.type ?? '';
  const existingDimensions = Number(/^vector\((\d+)\)$/.exec(embeddingType)?.[1] ?? Number.NaN);
  if (existingDimensions !== open.dimensions) {
    throw new DimensionMismatchError(
      `The table ${table} holds ${embeddingType || 'vectors of unknown size'}, but the model ${open.model} makes ${open.dimensions} dimensions. Use another table (?table=) for this model, or migrate to it.`,
    );
  }
  await verifyModel(executor, table, open);
  return {
    created: before[0]?.missing === true,
    insertFastPath: columns.some((column) => column.name === 'updated_at' && column.has_default),
  };
}

/** Refuses a table of another model (its comment says, or else a row); marks an unmarked one. */
async function verifyModel(executor: SqlExecutor, table: string, open: SinkOpenOptions) {
  const comment = await executor.query<{ comment: string | null }>(
    `select obj_description($1::regclass, 'pg_class') as comment`,
    [table],
  );
  const existing = parseMarker(comment[0]?.comment ?? null);
  let existingModel = existing?.model;
  if (!existingModel) {
    const sample = await executor.query<{ model: string }>(`select model from ${table} limit 1`);
    existingModel = sample[0]?.model;
  }
  if (existingModel !== undefined && existingModel !== open.model) {
    throw new DimensionMismatchError(
      `The table ${table} holds vectors of the model ${existingModel}, not ${open.model}; Drift does not mix models in one table. Use another table (?table=) for ${open.model}, or migrate.`,
    );
  }
  if (!existing) {
    const marker: TableMarker = {
      drift: 1,
      model: open.model,
      dimensions: open.dimensions,
      distance: 'cosine',
    };
    await executor.query(`comment on table ${table} is ${quoteLiteral(JSON.stringify(marker))}`);
  }
}

function parseMarker(comment: string | null): TableMarker | undefined {
  if (!comment) return undefined;
  try {
    const value = JSON.parse(comment) as Partial<TableMarker>;
    return value && value.drift === 1 && typeof value.model === 'string'
      ? (value as TableMarker)
      : undefined;
  } catch {
    return undefined;
  }
}
