/** Test setup for the chunking engine tests: long Markdown rows, and the chunk points they must yield. */
import { parseChunkSpec } from '../chunking/chunk-spec.js';
import { markdownDocument } from '../chunking/chunk-test-documents.js';
import { chunkText } from '../chunking/chunk-text.js';
import { contentHash } from '../identity/content-hash.js';
import { chunkPointId } from '../identity/point-id.js';
import type { Embedder } from '../spec/embedder-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Row } from '../spec/source-v1.js';
import { collect } from '../testkit/testkit-helpers.js';
import { engineSetup } from './engine-test-table.js';

export const spec = parseChunkSpec('markdown:256');

/** Two long documents and a short one, chunked by `spec`, into a memory sink. */
export function chunkSetup() {
  const setup = engineSetup(
    [
      { id: 1, text: markdownDocument(1, 16), tag: 'a' },
      { id: 2, text: markdownDocument(2, 16), tag: 'b' },
      { id: 3, text: 'A short row.', tag: 'c' },
    ],
    { version: 1 },
  );
  return {
    ...setup,
    options: { ...setup.options, chunking: spec, metadataColumns: ['tag'] },
  };
}

/** What the sink must hold for these rows, by point id: each chunk's payload. */
export function expectedPoints(sourceId: string, rows: Row[], embedder: Embedder) {
  const points = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const chunks = chunkText(String(row.text), spec, (text) => embedder.countTokens(text));
    chunks.forEach((chunk, index) => {
      points.set(chunkPointId(sourceId, String(row.id), index), {
        key: String(row.id),
        content: chunk.text,
        content_hash: contentHash(chunk.text),
        metadata: {
          tag: row.tag,
          chunk_index: index,
          chunk_count: chunks.length,
          chunk_start: chunk.start,
          chunk_end: chunk.end,
        },
      });
    });
  }
  return points;
}

/** The sink's points by id, with the payload fields `expectedPoints` gives. */
export async function storedPoints(sink: Sink) {
  const points = (await collect(sink.scan())).flat();
  return new Map(
    points.map((point) => [
      point.id,
      {
        key: point.payload.key,
        content: point.payload.content,
        content_hash: point.payload.content_hash,
        metadata: point.payload.metadata,
      },
    ]),
  );
}

/** The chunk texts of rows (to tell which texts are new after an edit). */
export function chunkTexts(rows: Row[], embedder: Embedder): Set<string> {
  const texts = new Set<string>();
  for (const row of rows)
    for (const chunk of chunkText(String(row.text), spec, (text) => embedder.countTokens(text)))
      texts.add(chunk.text);
  return texts;
}
