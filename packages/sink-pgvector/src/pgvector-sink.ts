import {
  AbortedError,
  DimensionMismatchError,
  InvalidInputError,
  PluginStateError,
  type Point,
  type PointPayload,
  type SearchHit,
  type SinkAlias,
  type SinkCallOptions,
  type SinkCapabilities,
  SinkError,
  type SinkOpenOptions,
  type SinkV1,
  type StoredPoint,
} from '@drift-spark/core';
import { pgvectorAlias } from './pgvector-alias.js';
import { encodeBinaryCopy, isUuid } from './pgvector-binary-copy.js';
import type { SqlDriver, SqlExecutor } from './pgvector-driver.js';
import { toDriftError, toWriteError } from './pgvector-errors.js';
import { derivedName, quoteIdentifier, quoteLiteral } from './pgvector-identifiers.js';
import { buildHnswIndex, type IndexBuildProgress } from './pgvector-index-build.js';

/** pgvector's HNSW index holds `vector` columns of at most this many dimensions. */
export const HNSW_MAX_DIMENSIONS = 2000;

/** The columns of the public table contract, in COPY order (updated_at is set by the upsert). */
const COPY_COLUMNS = 'id, key, source, content, content_hash, model, embedding, metadata, run_id';
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
const SELECT_PAYLOAD =
  'id::text as id, key, source, content, content_hash, model, metadata, run_id';

/** What the sink writes in the table's comment, so a later open can refuse another model. */
interface TableMarker {
  drift: 1;
  model: string;
  dimensions: number;
  distance: 'cosine';
}

export interface PgvectorSinkCommonOptions {
  /** The table name (quoted, never interpolated raw). */
  table: string;
  /** The schema; default: the first schema on the search_path. */
  schema?: string;
  /** Store the embedded text in `content` (default true); false leaves it NULL. */
  storeContent?: boolean;
  /**
   * When to build the HNSW index: 'auto' (default) builds it at `open` when the table
   * already has rows, otherwise after the first bulk load, at `finalize()` or `close()`;
   * 'never' leaves indexing to you.
   */
  index?: 'auto' | 'never';
  /** maintenance_work_mem for the HNSW build (default: sized to the rows, at most 4 GB, never below the server's setting). */
  indexBuildMemory?: string;
  /** Parallel workers for the HNSW build (default: the server's max_parallel_maintenance_workers). */
  indexBuildWorkers?: number;
}

export interface SqlPgvectorSinkOptions extends PgvectorSinkCommonOptions {
  id: string;
  /** Opens the engine connection; called by `open`, never before. */
  connect: (signal?: AbortSignal) => Promise<SqlDriver>;
  /** Whether the engine can take concurrent writes (a pool) or not (PGlite, one client). */
  concurrentWrites: boolean;
}

export interface FinalizeOptions extends SinkCallOptions {
  /** Told where a long index build is, every 2 s (PostgreSQL servers; not PGlite). */
  onProgress?: (progress: IndexBuildProgress) => void;
}

/** A pgvector sink: SinkV1, plus `finalize()` that builds a deferred index now. */
export interface PgvectorSink extends SinkV1 {
  /** The table, quoted and schema-qualified as the SQL uses it. */
  readonly table: string;
  /** Builds the HNSW index if the sink deferred it (after a first bulk load). Idempotent. */
  finalize(options?: FinalizeOptions): Promise<void>;
  /** A view over the table (see `pgvectorAlias`). */
  readonly alias: SinkAlias;
  /** Drops the table (refused while a view over it exists). */
  drop(options?: SinkCallOptions): Promise<void>;
}

interface Row {
  id: string;
  key: string;
  source: string;
  content: string | null;
  content_hash: string;
  model: string;
  metadata: Record<string, unknown> | string | null;
  run_id: string | null;
  embedding?: string;
  distance?: number | string;
}

/**
 * One SQL implementation of the pgvector sink, on any SqlDriver (pg or PGlite).
 *
 * Writes: binary COPY into a per-connection temporary staging table, then one
 * `insert … select … on conflict (id) do update`, in one transaction: durable and
 * visible when `upsert` resolves. While batches hold only new ids, a single binary COPY
 * straight into the table does the same at the engine's raw speed (see `upsert`).
 *
 * Index: loading into a table that already has an HNSW index is ~60x slower, so on a
 * first bulk load (the table was empty at `open`) the index is built after the load,
 * by `finalize()` or `close()`. A process that dies before that leaves a table without
 * the index; search stays correct (an exact scan) and the next `open` of a table with
 * rows builds it.
 */
export function createSqlPgvectorSink(options: SqlPgvectorSinkOptions): PgvectorSink {
  const table =
    options.schema === undefined
      ? quoteIdentifier(options.table)
      : `${quoteIdentifier(options.schema)}.${quoteIdentifier(options.table)}`;
  const stage = quoteIdentifier(derivedName('drift_stage', table));
  const indexName = quoteIdentifier(derivedName('drift_hnsw', table));
  const storeContent = options.storeContent ?? true;
  const sinkId = options.id;

  let driver: SqlDriver | undefined;
  let dimensions = 0;
  let indexPending = false;
  let closed = false;
  /** Whether the next upsert tries a plain COPY into the table first (see `upsert`). */
  let insertFastPath = false;
  let fastPathAllowed = false;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const ready = (signal?: AbortSignal): SqlDriver => {
    if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    if (closed)
      throw new PluginStateError(`The pgvector sink ${sinkId} is closed; create a new one.`);
    if (!driver)
      throw new PluginStateError(
        `The pgvector sink ${sinkId} is not open: call open({dimensions, distance, model}) first.`,
      );
    return driver;
  };

  async function buildIndex(
    driverForIndex: SqlDriver,
    onProgress?: (progress: IndexBuildProgress) => void,
  ): Promise<void> {
    if (options.index === 'never' || dimensions > HNSW_MAX_DIMENSIONS) return;
    await buildHnswIndex(driverForIndex, {
      table,
      indexName,
      dimensions,
      ...(options.indexBuildMemory ? { memory: options.indexBuildMemory } : {}),
      ...(options.indexBuildWorkers !== undefined ? { workers: options.indexBuildWorkers } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  /** Creates the table or verifies it; resolves true when it created it. */
  async function verifyOrCreate(executor: SqlExecutor, open: SinkOpenOptions): Promise<boolean> {
    // `create … if not exists` is not safe against a second process doing the same at the
    // same instant (a unique violation in the catalog): Drift's DDL takes turns per database.
    await executor.query('select pg_advisory_xact_lock(hashtext($1))', ['drift:create']);
    const extension = await executor.query<{ present: boolean }>(
      `select exists(select 1 from pg_extension where extname = 'vector') as present`,
    );
    if (!extension[0]?.present) await executor.query('create extension if not exists vector');
    if (options.schema !== undefined) {
      // Checked first: `create schema if not exists` needs CREATE on the database even when it exists.
      const schema = await executor.query<{ present: boolean }>(
        'select exists(select 1 from pg_namespace where nspname = $1) as present',
        [options.schema],
      );
      if (!schema[0]?.present)
        await executor.query(`create schema if not exists ${quoteIdentifier(options.schema)}`);
    }

    const marker: TableMarker = {
      drift: 1,
      model: open.model,
      dimensions: open.dimensions,
      distance: 'cosine',
    };
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
    if (!existing)
      await executor.query(`comment on table ${table} is ${quoteLiteral(JSON.stringify(marker))}`);
    // The direct COPY needs updated_at to fill itself; a table made elsewhere without the default takes the staged path only.
    insertFastPath = columns.some((column) => column.name === 'updated_at' && column.has_default);
    return before[0]?.missing === true;
  }

  function toStoredPoint(row: Row, withVectors: boolean): StoredPoint {
    const point: StoredPoint = { id: row.id, payload: toPayload(row) };
    if (withVectors && row.embedding !== undefined) point.vector = parseVector(row.embedding);
    return point;
  }

  const capabilities: SinkCapabilities = {
    concurrentWrites: options.concurrentWrites,
    maxPointsPerWrite: 2000,
  };

  return {
    specificationVersion: 'v1',
    id: sinkId,
    table,
    capabilities,
    alias: pgvectorAlias({
      sinkId,
      table: options.table,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      driver: ready,
    }),

    async open(open) {
      if (closed)
        throw new PluginStateError(`The pgvector sink ${sinkId} is closed; create a new one.`);
      if (open.signal?.aborted) throw new AbortedError(undefined, { cause: open.signal.reason });
      if (open.distance !== 'cosine')
        throw new InvalidInputError(
          `The pgvector sink supports cosine distance only, not ${String(open.distance)}.`,
        );
      if (!Number.isInteger(open.dimensions) || open.dimensions < 1 || open.dimensions > 16000) {
        throw new InvalidInputError(
          `pgvector holds 1 to 16000 dimensions; the model says ${open.dimensions}.`,
        );
      }
      let opened: SqlDriver | undefined;
      try {
        opened = driver ?? (await options.connect(open.signal));
        const created = await opened.transaction((executor) => verifyOrCreate(executor, open));
        dimensions = open.dimensions;
        fastPathAllowed = true;
        const rows = await opened.query<{ present: boolean }>(
          `select exists(select 1 from ${table}) as present`,
        );
        if (rows[0]?.present) {
          await buildIndex(opened);
          indexPending = false;
        } else {
          indexPending = options.index !== 'never';
        }
        driver = opened;
        return { created };
      } catch (error) {
        // A failed open leaves nothing open: the engine may call open again.
        if (opened && opened !== driver) await opened.close().catch(() => {});
        throw fail(error, `open the table ${table}`);
      }
    },

    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      // The same id twice in one statement is an error in `on conflict do update`: the last one wins.
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(point.id, point);
      const data = encodeBinaryCopy([...unique.values()], { dimensions, storeContent });
      if (insertFastPath && fastPathAllowed) {
        // New points (a first load, new rows) go in with one COPY straight into the table:
        // the raw speed of the engine. COPY is one atomic statement, so if any id already
        // exists it fails whole (unique violation), nothing is written, and the batch takes
        // the staged path below; later batches stay on the staged path until one of them
        // holds only new ids again.
        try {
          await current.copyBinary(table, COPY_COLUMNS, data);
          return;
        } catch (error) {
          if ((error as { code?: unknown })?.code !== '23505')
            throw toWriteError(error, `write ${pointCount(unique.size)} to ${table}`, sinkId);
          fastPathAllowed = false;
        }
      }
      try {
        const inserted = await current.transaction(async (executor) => {
          await executor.query(
            `create temporary table if not exists ${stage} (
              id uuid, key text, source text, content text, content_hash text, model text,
              embedding vector(${dimensions}), metadata jsonb, run_id text
            ) on commit delete rows`,
          );
          await executor.copyBinary(stage, COPY_COLUMNS, data);
          const rows = await executor.query<{ inserted: string | number }>(
            `with written as (
               insert into ${table} (${COPY_COLUMNS}, updated_at)
               select ${COPY_COLUMNS}, now() from ${stage}
               on conflict (id) do update set
                 key = excluded.key, source = excluded.source, content = excluded.content,
                 content_hash = excluded.content_hash, model = excluded.model, embedding = excluded.embedding,
                 metadata = excluded.metadata, run_id = excluded.run_id, updated_at = excluded.updated_at
               returning (xmax = 0) as inserted
             ) select count(*) filter (where inserted)::text as inserted from written`,
          );
          return Number(rows[0]?.inserted ?? 0);
        });
        if (inserted === unique.size) fastPathAllowed = true;
      } catch (error) {
        throw toWriteError(error, `write ${pointCount(unique.size)} to ${table}`, sinkId);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return;
      try {
        await current.query(`delete from ${table} where id = any($1::uuid[])`, [uuidArray(valid)]);
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${table}`);
      }
    },

    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const withVectors = call?.withVectors ?? false;
      try {
        const rows = await current.query<Row>(
          `select ${SELECT_PAYLOAD}${withVectors ? ', embedding::text as embedding' : ''} from ${table} where id = any($1::uuid[])`,
          [uuidArray(valid)],
        );
        return rows.map((row) => toStoredPoint(row, withVectors));
      } catch (error) {
        throw fail(error, `read points from ${table}`);
      }
    },

    async *scan(call) {
      const batchSize = Math.max(1, Math.min(call?.batchSize ?? 500, 10_000));
      const withVectors = call?.withVectors ?? false;
      let after: string | undefined;
      for (;;) {
        const current = ready(call?.signal);
        let rows: Row[];
        try {
          // Keyset pagination on the primary key: bounded batches, stable under concurrent writes.
          rows = await current.query<Row>(
            `select ${SELECT_PAYLOAD}${withVectors ? ', embedding::text as embedding' : ''} from ${table}
             ${after === undefined ? '' : 'where id > $2::uuid'} order by id limit $1`,
            after === undefined ? [batchSize] : [batchSize, after],
          );
        } catch (error) {
          throw fail(error, `scan ${table}`);
        }
        if (rows.length === 0) return;
        yield rows.map((row) => toStoredPoint(row, withVectors));
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]?.id;
      }
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      const k = call.k;
      if (!Number.isInteger(k) || k < 1)
        throw new InvalidInputError(`search needs k ≥ 1, not ${k}.`);
      if (vector.length !== dimensions) {
        throw new InvalidInputError(
          `The query vector has ${vector.length} dimensions; the table ${table} holds ${dimensions}.`,
        );
      }
      const literal = vectorLiteral(vector);
      const sql = `select ${SELECT_PAYLOAD}, embedding <=> $1::vector as distance from ${table} order by embedding <=> $1::vector limit $2`;
      try {
        // HNSW returns at most hnsw.ef_search rows (40 by default): raise it for a larger k.
        const rows =
          k > 40
            ? await current.transaction(async (executor) => {
                await executor.query(`select set_config('hnsw.ef_search', $1, true)`, [
                  String(Math.min(k, 1000)),
                ]);
                return executor.query<Row>(sql, [literal, k]);
              })
            : await current.query<Row>(sql, [literal, k]);
        return rows.map(
          (row): SearchHit => ({
            id: row.id,
            score: 1 - Number(row.distance),
            payload: toPayload(row),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${table}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        const rows = await current.query<{ count: string | number }>(
          `select count(*)::text as count from ${table}`,
        );
        return Number(rows[0]?.count ?? 0);
      } catch (error) {
        throw fail(error, `count ${table}`);
      }
    },

    async finalize(call) {
      const current = ready(call?.signal);
      if (!indexPending) return;
      try {
        await buildIndex(current, call?.onProgress);
        indexPending = false;
      } catch (error) {
        throw fail(error, `build the HNSW index on ${table}`);
      }
    },

    async drop(call) {
      const current = ready(call?.signal);
      // Without CASCADE: a view applications query still pointing here makes it refuse.
      try {
        await current.query(`drop table if exists ${table}`);
        indexPending = false;
      } catch (error) {
        throw fail(error, `drop the table ${table}`);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      const current = driver;
      driver = undefined;
      if (!current) return;
      try {
        if (indexPending) await buildIndex(current);
      } catch (error) {
        throw fail(error, `build the HNSW index on ${table}`);
      } finally {
        indexPending = false;
        await current.close();
      }
    },
  };
}

function pointCount(count: number): string {
  return count === 1 ? '1 point' : `${count} points`;
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

function toPayload(row: Row): PointPayload {
  return {
    key: row.key,
    source: row.source,
    content: row.content,
    content_hash: row.content_hash,
    model: row.model,
    run_id: row.run_id ?? '',
    metadata:
      typeof row.metadata === 'string'
        ? (JSON.parse(row.metadata) as Record<string, unknown>)
        : row.metadata,
  };
}

/** pgvector's text form: `[1,2,3]`. */
export function parseVector(text: string): Float32Array {
  const body = text.slice(1, -1);
  if (body.length === 0) return new Float32Array(0);
  const parts = body.split(',');
  const vector = new Float32Array(parts.length);
  for (let index = 0; index < parts.length; index++) vector[index] = Number(parts[index]);
  return vector;
}

export function vectorLiteral(vector: ArrayLike<number>): string {
  let text = '[';
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] as number;
    if (!Number.isFinite(value))
      throw new InvalidInputError(`The query vector has a non-finite value at dimension ${index}.`);
    text += index === 0 ? String(value) : `,${value}`;
  }
  return `${text}]`;
}

/** A uuid[] literal from validated UUIDs (no quoting needed: only hex digits and dashes). */
function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}
