/**
 * One path of the memory bound for bench/src/all.ts, in a process of its own so its peak RSS
 * is its own (no provider, no CLI):
 * - `spark`: the Spark read, `createSparkDeltaSource` scan of (id, text) through the Spark
 *   Connect server at SPARK_REMOTE, of the Delta table given as <arg>;
 * - `pgvector` (DATABASE_URL), `qdrant` (QDRANT_URL), `pglite` (a data folder), `lancedb`:
 *   the sink's `upsert` of <rows> shadow points in batches of 1000 (the engine's write size),
 *   index left out (built after a load, not part of the write path's memory).
 * Prints one JSON line: seconds, rows, rssMb. Plain Node (no TypeScript loader), as the built
 * CLI runs: tsx's own ~75 MB would count in the path's peak.
 *
 *   node src/memory-child.mjs spark <delta-table>
 *   node src/memory-child.mjs pgvector|qdrant|pglite|lancedb <rows> <dimensions> <work-dir>
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createShadowEmbedder } from '@drift-spark/core';

const [mode, arg, dimensionsArg, work] = process.argv.slice(2);
const model = 'openai/text-embedding-3-small';
const batchSize = 1000;
const name = `memory_${mode}_${process.pid}`;

/** Only the measured path's packages are loaded: the others' code would count in its RSS. */
async function sinkFor(kind) {
  const { createPgliteSink, createPgvectorSink } = await import('@drift-spark/sink-pgvector');
  if (kind === 'pgvector')
    return createPgvectorSink({
      connectionString: process.env.DATABASE_URL,
      table: name,
      index: 'never',
    });
  if (kind === 'qdrant')
    return (await import('@drift-spark/sink-qdrant')).createQdrantSink({
      url: process.env.QDRANT_URL,
      collection: name,
    });
  if (kind === 'pglite')
    return createPgliteSink({ dataDir: join(work, name), table: name, index: 'never' });
  if (kind === 'lancedb')
    return (await import('@drift-spark/sink-lancedb')).createLancedbSink({
      path: join(work, name),
      table: name,
      index: 'never',
    });
  throw new Error(`unknown mode ${kind}: spark, pgvector, qdrant, pglite or lancedb`);
}

/** Upserts `rows` shadow points, one batch at a time, as the engine hands them over. */
async function writeShadowPoints(sink, rows, dimensions) {
  const shadow = createShadowEmbedder({ model, dimensions });
  await sink.open({ dimensions, distance: 'cosine', model });
  let written = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const texts = Array.from(
      { length: Math.min(batchSize, rows - start) },
      (_, index) =>
        `row ${start + index}: a support ticket about a delayed refund, the size of a chunk`,
    );
    const { vectors } = await shadow.embed(texts);
    const points = texts.map((text, index) => ({
      id: randomUUID(),
      vector: vectors[index],
      payload: {
        key: String(start + index),
        source: 'delta:bench',
        content: text,
        content_hash: createHash('sha256').update(text).digest('hex'),
        model,
        run_id: 'bench',
        metadata: null,
      },
    }));
    await sink.upsert(points);
    written += points.length;
  }
  // Leave no 1M-row table behind in the shared servers.
  if (mode === 'pgvector') await sink.drop();
  await sink.close();
  if (mode === 'qdrant')
    await fetch(`${process.env.QDRANT_URL}/collections/${name}`, { method: 'DELETE' });
  return written;
}

async function readThroughSpark(table) {
  const { createSparkDeltaSource } = await import('@drift-spark/source-delta-spark');
  const { createSparkConnectClient } = await import('@drift-spark/spark-connect');
  const client = createSparkConnectClient({ remote: process.env.SPARK_REMOTE });
  let rows = 0;
  try {
    const source = createSparkDeltaSource({ table, client });
    for await (const batch of source.scan({ columns: ['id', 'text'] })) rows += batch.rows.length;
  } finally {
    await client.close();
  }
  return rows;
}

const started = performance.now();
if (work) mkdirSync(work, { recursive: true });
const rows =
  mode === 'spark'
    ? await readThroughSpark(arg)
    : await writeShadowPoints(await sinkFor(mode), Number(arg), Number(dimensionsArg));
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    rows,
    rssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
