import { DimensionMismatchError, type SinkOpenOptions } from '@drift-spark/core';
import type { Connection, Session, Table } from '@lancedb/lancedb';
import type { FixedSizeList, Schema } from 'apache-arrow';
import { driftSchema, MODEL_KEY, VECTOR_COLUMN } from './lancedb-arrow.js';
import { boundLocalIoThreads } from './lancedb-io-threads.js';
import { boundIndexShuffleBytes } from './lancedb-shuffle-bytes.js';
import { isObjectStorePath } from './lancedb-uri.js';

/** Cache sizes: bounded, so a long load or many searches cannot grow them to LanceDB's defaults. */
const INDEX_CACHE_BYTES = 128 * 1024 * 1024;
const METADATA_CACHE_BYTES = 32 * 1024 * 1024;

export interface LancedbLocation {
  path: string;
  table: string;
  indexCacheBytes?: number | undefined;
  storageOptions?: Record<string, string> | undefined;
}

/** A connection with bounded caches: LanceDB's defaults (6 GB of index, 1 GB of metadata) would let a long load grow without bound. */
export async function connectLancedb(where: LancedbLocation, given?: Session): Promise<Connection> {
  boundLocalIoThreads(!isObjectStorePath(where.path));
  boundIndexShuffleBytes();
  const lancedb = await import('@lancedb/lancedb');
  const session =
    given ??
    new lancedb.Session(
      BigInt(where.indexCacheBytes ?? INDEX_CACHE_BYTES),
      BigInt(METADATA_CACHE_BYTES),
    );
  // The session goes in the options: 0.37.1's connect() drops a session passed as its third
  // argument, which left the caches at their defaults (bench/README.md, "LanceDB: memory").
  return lancedb.connect(where.path, {
    session,
    ...(where.storageOptions ? { storageOptions: where.storageOptions } : {}),
  });
}

export interface TableOpened {
  table: Table;
  /** Drift's own schema, for writes (the one LanceDB returns is of its own Arrow instance). */
  schema: Schema;
  created: boolean;
}

/** Opens the Drift table or creates it empty, and verifies its vector size and model. */
export async function openOrCreateTable(
  db: Connection,
  name: string,
  open: SinkOpenOptions,
): Promise<TableOpened> {
  const schema = driftSchema(open.dimensions, open.model);
  let table: Table;
  let created = false;
  if ((await db.tableNames()).includes(name)) table = await db.openTable(name);
  else {
    table = await db.createEmptyTable(name, schema, { mode: 'create', existOk: true });
    created = true;
  }
  await verifyTable(table, name, await table.schema(), open);
  return { table, schema, created };
}

async function verifyTable(found: Table, name: string, foundSchema: Schema, open: SinkOpenOptions) {
  const { dimensions: wanted, model } = open;
  const field = foundSchema.fields.find((candidate) => candidate.name === VECTOR_COLUMN);
  const size = (field?.type as FixedSizeList | undefined)?.listSize;
  if (!field || typeof size !== 'number')
    throw new DimensionMismatchError(
      `The LanceDB table ${name} has no "${VECTOR_COLUMN}" vector column; it was not made by Drift. Use another table.`,
    );
  if (size !== wanted)
    throw new DimensionMismatchError(
      `The LanceDB table ${name} holds ${size}-dimension vectors, but the model ${model} makes ${wanted}. Use another table for this model, or migrate to it.`,
    );
  let stored = foundSchema.metadata.get(MODEL_KEY);
  if (stored === undefined) {
    const sample = await found.query().select(['model']).limit(1).toArray();
    stored = (sample[0] as { model?: string } | undefined)?.model;
  }
  if (stored !== undefined && stored !== model)
    throw new DimensionMismatchError(
      `The LanceDB table ${name} holds vectors of the model ${stored}, not ${model}; Drift does not mix models in one table. Use another table for ${model}, or migrate.`,
    );
}
