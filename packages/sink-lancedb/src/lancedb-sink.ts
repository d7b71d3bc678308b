import {
  AbortedError,
  DimensionMismatchError,
  InvalidInputError,
  PluginStateError,
  type Point,
  type SearchHit,
  type SinkCallOptions,
  type SinkV1,
  type StoredPoint,
} from '@drift-spark/core';
import type { Connection, Table } from '@lancedb/lancedb';
import type { FixedSizeList, Schema } from 'apache-arrow';
import {
  arrowToPoints,
  driftSchema,
  isUuid,
  MODEL_KEY,
  PAYLOAD_COLUMNS,
  pointsToArrow,
  rowPayload,
  VECTOR_COLUMN,
} from './lancedb-arrow.js';
import { toDriftError } from './lancedb-errors.js';
import {
  buildIndexes,
  DEFAULT_INDEX_THRESHOLD,
  DEFAULT_OPTIMIZE_EVERY,
  hasVectorIndex,
  optimizeTable,
} from './lancedb-index-policy.js';
import { canonicalLancedbUri } from './lancedb-uri.js';

export interface LancedbSinkOptions {
  /** A folder, or an object-store prefix (`s3://bucket/prefix`, `gs://…`, `az://…`). */
  path: string;
  table: string;
  /** Store the embedded text in `content` (default true). */
  storeContent?: boolean;
  /** 'auto' (default): an IVF-PQ index once the table holds `indexThreshold` rows; 'never': exact search. */
  index?: 'auto' | 'never';
  /** Rows from which the index is built (default 50 000). */
  indexThreshold?: number;
  /** Small writes between two compactions (default 100). */
  optimizeEvery?: number;
  /** LanceDB's index cache, in bytes (default 128 MiB; LanceDB's own default is 6 GB). */
  indexCacheBytes?: number;
  /** Passed to LanceDB for an object store (credentials, endpoint, region). */
  storageOptions?: Record<string, string>;
  /** The sink id; default `lancedb://<path>?table=<name>`. */
  id?: string;
}

/** A LanceDB sink: SinkV1, plus `finalize()` that builds the index after a large load. */
export interface LancedbSink extends SinkV1 {
  finalize(options?: SinkCallOptions): Promise<void>;
  /** The ANN index searches use (null: exact scan), and from how many rows one is built. */
  searchIndex(options?: SinkCallOptions): Promise<SearchIndexInfo>;
}

export interface SearchIndexInfo {
  index: string | null;
  /** Rows from which the sink builds one (absent when it never does). */
  buildsAt?: number;
}

/** Search breadth on an IVF-PQ index: partitions probed, and candidates re-ranked exactly. */
const NPROBES = 32;
const REFINE_FACTOR = 10;
const ID_CHUNK = 1000;
/** Cache sizes: an IVF-PQ index of 1M × 1536-d points is ~100 MB of PQ codes. */
const INDEX_CACHE_BYTES = 128 * 1024 * 1024;
const METADATA_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * A LanceDB sink. Each write is one Lance commit (a new table version, published by an
 * atomic manifest write): `upsert` resolves once it is on disk and visible, and a killed
 * process leaves the last committed version, never half a batch. Several processes may
 * write one table: Lance retries a commit that raced another (optimistic concurrency).
 *
 * While a table that was empty at `open` receives only new ids, points are appended
 * (`add`); otherwise `mergeInsert` on `id` overwrites. The index is built by `finalize()`
 * (or `close()`) once the table holds `indexThreshold` rows, and `optimize()` runs after
 * every `optimizeEvery` small writes so rows written later join the index.
 */
export function createLancedbSink(options: LancedbSinkOptions): LancedbSink {
  const sinkId = options.id ?? canonicalLancedbUri(options.path, options.table);
  const storeContent = options.storeContent ?? true;
  const indexMode = options.index ?? 'auto';
  const threshold = options.indexThreshold ?? DEFAULT_INDEX_THRESHOLD;
  const optimizeEvery = options.optimizeEvery ?? DEFAULT_OPTIMIZE_EVERY;

  let db: Connection | undefined;
  let table: Table | undefined;
  let schema: Schema | undefined;
  let dimensions = 0;
  let closed = false;
  let indexed = false;
  /** Ids written since an `open` that found the table empty; undefined once appends stop being safe. */
  let appendedIds: Set<string> | undefined;
  let writesSinceOptimize = 0;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const ready = (signal?: AbortSignal): Table => {
    if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    if (closed)
      throw new PluginStateError(`The LanceDB sink ${sinkId} is closed; create a new one.`);
    if (!table)
      throw new PluginStateError(
        `The LanceDB sink ${sinkId} is not open: call open({dimensions, distance, model}) first.`,
      );
    return table;
  };

  async function afterWrite(current: Table): Promise<void> {
    if (appendedIds !== undefined) return; // a first load: compacted once, at finalize
    if (++writesSinceOptimize < optimizeEvery) return;
    writesSinceOptimize = 0;
    await optimizeTable(current);
  }

  async function finalize(call?: SinkCallOptions): Promise<void> {
    const current = ready(call?.signal);
    try {
      const rows = await current.countRows();
      if (indexMode === 'auto' && !indexed && rows >= threshold) {
        await buildIndexes(current, VECTOR_COLUMN, rows, dimensions);
        indexed = true;
      } else if (appendedIds !== undefined && appendedIds.size > 0) await optimizeTable(current);
      appendedIds = undefined;
      writesSinceOptimize = 0;
    } catch (error) {
      throw fail(error, 'index the table');
    }
  }

  return {
    specificationVersion: 'v1',
    id: sinkId,
    capabilities: { concurrentWrites: false, maxPointsPerWrite: 10_000 },

    async open(open) {
      if (closed)
        throw new PluginStateError(`The LanceDB sink ${sinkId} is closed; create a new one.`);
      if (open.signal?.aborted) throw new AbortedError(undefined, { cause: open.signal.reason });
      if (open.distance !== 'cosine')
        throw new InvalidInputError(
          `The LanceDB sink supports cosine distance only, not ${String(open.distance)}.`,
        );
      if (!Number.isInteger(open.dimensions) || open.dimensions < 1)
        throw new InvalidInputError(`The model says ${open.dimensions} dimensions; need ≥ 1.`);
      let created = false;
      try {
        const lancedb = await import('@lancedb/lancedb');
        // LanceDB's default caches (6 GB of index, 1 GB of metadata) would let a long load
        // grow without bound; Drift's engine promises bounded memory.
        const session = new lancedb.Session(
          BigInt(options.indexCacheBytes ?? INDEX_CACHE_BYTES),
          BigInt(METADATA_CACHE_BYTES),
        );
        db ??= await lancedb.connect(
          options.path,
          { ...(options.storageOptions ? { storageOptions: options.storageOptions } : {}) },
          session,
        );
        const wanted = driftSchema(open.dimensions, open.model);
        const names = await db.tableNames();
        if (names.includes(options.table)) table = await db.openTable(options.table);
        else {
          table = await db.createEmptyTable(options.table, wanted, {
            mode: 'create',
            existOk: true,
          });
          created = true;
        }
        // Writes use Drift's own schema: the one LanceDB returns is of its own Arrow instance.
        await verify(table, await table.schema(), open.dimensions, open.model);
        schema = wanted;
        dimensions = open.dimensions;
        const rows = await table.countRows();
        indexed = await hasVectorIndex(table, VECTOR_COLUMN);
        appendedIds = rows === 0 ? new Set() : undefined;
      } catch (error) {
        table = undefined;
        throw fail(error, `open the table ${options.table}`);
      }
      return { created };
    },

    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(String(point.id).toLowerCase(), point);
      const batch = pointsToArrow([...unique.values()], schema!, dimensions, storeContent);
      try {
        const seen = appendedIds;
        if (seen !== undefined && ![...unique.keys()].some((id) => seen.has(id))) {
          await current.add(batch);
          for (const id of unique.keys()) seen.add(id);
        } else {
          appendedIds = undefined;
          await current
            .mergeInsert('id')
            .whenMatchedUpdateAll()
            .whenNotMatchedInsertAll()
            .execute(batch);
        }
        await afterWrite(current);
      } catch (error) {
        throw fail(error, `write ${unique.size} points to ${options.table}`);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
      if (valid.length === 0) return;
      // A deleted id may come back: it must then overwrite, not append beside a ghost.
      appendedIds = undefined;
      try {
        for (let start = 0; start < valid.length; start += ID_CHUNK)
          await current.delete(idPredicate(valid.slice(start, start + ID_CHUNK)));
        await afterWrite(current);
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${options.table}`);
      }
    },

    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const columns = call?.withVectors
        ? [...PAYLOAD_COLUMNS, VECTOR_COLUMN]
        : [...PAYLOAD_COLUMNS];
      const found: StoredPoint[] = [];
      try {
        for (let start = 0; start < valid.length; start += ID_CHUNK) {
          const chunk = valid.slice(start, start + ID_CHUNK);
          const read = await current.query().where(idPredicate(chunk)).select(columns).toArrow();
          found.push(...arrowToPoints(read));
        }
      } catch (error) {
        throw fail(error, `read points from ${options.table}`);
      }
      return found;
    },

    async *scan(call) {
      const current = ready(call?.signal);
      const size = Math.max(1, Math.min(call?.batchSize ?? 256, 10_000));
      const columns = call?.withVectors
        ? [...PAYLOAD_COLUMNS, VECTOR_COLUMN]
        : [...PAYLOAD_COLUMNS];
      let pending: StoredPoint[] = [];
      try {
        for await (const batch of current.query().select(columns)) {
          ready(call?.signal);
          pending.push(...arrowToPoints(batch));
          while (pending.length >= size) {
            yield pending.slice(0, size);
            pending = pending.slice(size);
          }
        }
      } catch (error) {
        throw fail(error, `scan ${options.table}`);
      }
      if (pending.length > 0) yield pending;
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      if (!Number.isInteger(call.k) || call.k < 1)
        throw new InvalidInputError(`search needs k ≥ 1, not ${call.k}.`);
      if (vector.length !== dimensions)
        throw new InvalidInputError(
          `The query vector has ${vector.length} dimensions; the table ${options.table} holds ${dimensions}.`,
        );
      try {
        if ((await current.countRows()) === 0) return [];
        let query = current
          .vectorSearch(vector)
          .column(VECTOR_COLUMN)
          .distanceType('cosine')
          .select([...PAYLOAD_COLUMNS, '_distance'])
          .limit(call.k);
        if (indexed) query = query.nprobes(NPROBES).refineFactor(REFINE_FACTOR);
        const rows = (await query.toArray()) as Record<string, unknown>[];
        return rows.map(
          (row): SearchHit => ({
            id: String(row.id),
            score: 1 - Number(row._distance),
            payload: rowPayload(row),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${options.table}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        return await current.countRows();
      } catch (error) {
        throw fail(error, `count ${options.table}`);
      }
    },

    finalize,

    async searchIndex(call) {
      const current = ready(call?.signal);
      try {
        const found = (await current.listIndices()).find((index) =>
          index.columns.includes(VECTOR_COLUMN),
        );
        return {
          index: found ? found.indexType : null,
          ...(indexMode === 'auto' ? { buildsAt: threshold } : {}),
        };
      } catch (error) {
        throw fail(error, `list the indexes of ${options.table}`);
      }
    },

    async close() {
      if (closed) return;
      try {
        if (table && appendedIds !== undefined && appendedIds.size > 0) await finalize();
      } finally {
        closed = true;
        table?.close();
        db?.close();
        table = undefined;
        db = undefined;
      }
    },
  };

  async function verify(found: Table, foundSchema: Schema, wanted: number, model: string) {
    const field = foundSchema.fields.find((candidate) => candidate.name === VECTOR_COLUMN);
    const size = (field?.type as FixedSizeList | undefined)?.listSize;
    if (!field || typeof size !== 'number')
      throw new DimensionMismatchError(
        `The LanceDB table ${options.table} has no "${VECTOR_COLUMN}" vector column; it was not made by Drift. Use another table.`,
      );
    if (size !== wanted)
      throw new DimensionMismatchError(
        `The LanceDB table ${options.table} holds ${size}-dimension vectors, but the model ${model} makes ${wanted}. Use another table for this model, or migrate to it.`,
      );
    let stored = foundSchema.metadata.get(MODEL_KEY);
    if (stored === undefined) {
      const sample = await found.query().select(['model']).limit(1).toArray();
      stored = (sample[0] as { model?: string } | undefined)?.model;
    }
    if (stored !== undefined && stored !== model)
      throw new DimensionMismatchError(
        `The LanceDB table ${options.table} holds vectors of the model ${stored}, not ${model}; Drift does not mix models in one table. Use another table for ${model}, or migrate.`,
      );
  }
}

/** `id IN ('…', …)`: ids are checked UUIDs, so nothing in them needs quoting. */
function idPredicate(ids: readonly string[]): string {
  return `id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
}
