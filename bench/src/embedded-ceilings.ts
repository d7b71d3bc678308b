/**
 * The true write ceilings of the embedded-sink bench (each run in its own process by
 * embedded-sinks.ts): the fastest way each store takes the same points, with no Drift code.
 * - PostgreSQL: binary COPY of (id, vector) alone into an UNLOGGED table, one COPY per 10k slice;
 * - PGlite: one binary COPY of (id, vector) per 10k slice, into a database on disk;
 * - LanceDB: one `add` of a pre-built Arrow table of (id, vector) for all points.
 * Prints one JSON line: {store, points, rate}.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import * as lancedb from '@lancedb/lancedb';
import {
  Field,
  FixedSizeList,
  Float32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { dimensions, encodeIdVectorCopy, idAt, vectorAt } from './embedded-data.js';

const slice = 10_000;
const ddl = `(id uuid, embedding vector(${dimensions}))`;

async function timedSlices(total: number, copy: (data: Uint8Array) => Promise<void>) {
  let ms = 0;
  for (let start = 0; start < total; start += slice) {
    const data = encodeIdVectorCopy(start, Math.min(total, start + slice));
    const began = performance.now();
    await copy(data);
    ms += performance.now() - began;
  }
  return ms;
}

export async function postgresCeiling(url: string, total: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('create extension if not exists vector');
  await client.query(
    `drop table if exists bench_ceiling; create unlogged table bench_ceiling ${ddl}`,
  );
  const ms = await timedSlices(total, async (data) => {
    const stream = client.query(copyStreams.from('copy bench_ceiling from stdin (format binary)'));
    await pipeline(Readable.from([data]), stream);
  });
  await client.query('drop table bench_ceiling');
  await client.end();
  return ms;
}

export async function pgliteCeiling(folder: string, total: number): Promise<number> {
  const db = await PGlite.create({ dataDir: folder, extensions: { vector } });
  await db.exec(`create extension if not exists vector; create table bench_ceiling ${ddl}`);
  const ms = await timedSlices(total, async (data) => {
    await db.query(`copy bench_ceiling from '/dev/blob' with (format binary)`, [], {
      blob: new Blob([data]),
    });
  });
  await db.close();
  return ms;
}

export async function lancedbCeiling(folder: string, total: number): Promise<number> {
  const values = new Float32Array(total * dimensions);
  for (let index = 0; index < total; index++) values.set(vectorAt(index), index * dimensions);
  const vectorType = new FixedSizeList(dimensions, new Field('item', new Float32(), true));
  const schema = new Schema([
    new Field('id', new Utf8(), false),
    new Field('vector', vectorType, false),
  ]);
  const ids = vectorFromArray(
    Array.from({ length: total }, (_, index) => idAt(index)),
    new Utf8(),
  );
  const vectors = makeData({
    type: vectorType,
    length: total,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values }),
  });
  const struct = makeData({
    type: new Struct(schema.fields),
    length: total,
    nullCount: 0,
    children: [ids.data[0]!, vectors],
  });
  const table = new Table([new RecordBatch(schema, struct)]);
  const db = await lancedb.connect(folder);
  const target = await db.createEmptyTable('ceiling', schema);
  const began = performance.now();
  await target.add(table);
  const ms = performance.now() - began;
  target.close();
  db.close();
  return ms;
}
