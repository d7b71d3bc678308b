import {
  type ChunkSpec,
  chunkPointId,
  chunkPosition,
  chunkText,
  type TokenCounter,
} from '@drift-spark/core/internal';
import { createPgvectorSinkFromUri } from '@drift-spark/sink-pgvector';
import { expect } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { embeddable, sha256 } from './cli-harness.js';
import type { MarkdownDoc } from './markdown-docs.js';

/**
 * `drift <command>` of a docs table's `body` (its `title` as metadata) cut by `spec`, with the
 * tests' model (the OpenAI test server), into `sink`, in batches of `batchSize` rows, --json.
 */
export function chunkRunArgs(
  command: string,
  target: { table: string; sink: string; ledger: string },
  spec: string,
  batchSize: number,
): string[] {
  return [
    command,
    '--table',
    target.table,
    '--text-col',
    'body',
    '--metadata-col',
    'title',
    '--model',
    model,
    '--chunk',
    spec,
    '--sink',
    target.sink,
    '--ledger',
    target.ledger,
    '--batch-size',
    String(batchSize),
    '--json',
  ];
}

/** One chunk point as the sink must hold it. */
export interface ChunkPoint {
  key: string;
  index: number;
  count: number;
  start: number;
  end: number;
  contentHash: string;
  content: string | null;
  /** The row's metadata column `title`, carried into each of its chunks. */
  title: unknown;
}

/** The chunks of the table's current documents, cut as the CLI must cut them, by point id. */
export function expectedChunks(
  sourceId: string,
  docs: Iterable<MarkdownDoc>,
  spec: ChunkSpec,
  tokenizer: TokenCounter,
): Map<string, ChunkPoint> {
  const points = new Map<string, ChunkPoint>();
  for (const doc of docs) {
    const text = embeddable(doc.body);
    if (text === null) continue;
    const chunks = chunkText(text, spec, tokenizer);
    for (const [index, chunk] of chunks.entries())
      points.set(chunkPointId(sourceId, String(doc.id), index), {
        key: String(doc.id),
        index,
        count: chunks.length,
        start: chunk.start,
        end: chunk.end,
        contentHash: sha256(chunk.text),
        content: chunk.text,
        title: doc.title,
      });
  }
  return points;
}

/** Every point of a pgvector/PGlite sink of chunks, read through the sink package. */
export async function readChunkSink(uri: string): Promise<Map<string, ChunkPoint>> {
  const sink = createPgvectorSinkFromUri(uri);
  try {
    await sink.open({ dimensions, distance: 'cosine', model });
    const points = new Map<string, ChunkPoint>();
    for await (const batch of sink.scan({ batchSize: 500 })) {
      for (const { id, payload } of batch) {
        if (points.has(id)) throw new Error(`the sink returned point ${id} twice`);
        const position = chunkPosition(payload);
        if (!position) throw new Error(`point ${id} (key ${payload.key}) is not a chunk`);
        points.set(id, {
          key: payload.key,
          ...position,
          contentHash: payload.content_hash,
          content: payload.content,
          title: payload.metadata?.title,
        });
      }
    }
    return points;
  } finally {
    await sink.close();
  }
}

/** The sink holds exactly the expected chunks: same ids, each with its key, position, hash and text. */
export async function expectSinkHoldsChunks(
  uri: string,
  expected: Map<string, ChunkPoint>,
  label: string,
): Promise<void> {
  const actual = await readChunkSink(uri);
  const missing = [...expected.keys()].filter((id) => !actual.has(id));
  const extra = [...actual.keys()].filter((id) => !expected.has(id));
  expect({ missing: missing.length, extra: extra.length }, `${label}: chunk ids`).toEqual({
    missing: 0,
    extra: 0,
  });
  for (const [id, point] of expected)
    expect(actual.get(id), `${label}: chunk ${point.index} of key ${point.key}`).toEqual(point);
}
