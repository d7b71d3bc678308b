import type { SearchHit } from '@drift-spark/core';
import { type ChunkPosition, chunkPosition, type RowHit } from '@drift-spark/core/internal';
import { truncate } from '../output/format.js';
import type { Output } from '../output/output.js';
import { renderTable } from '../output/table.js';

/** One result line of `drift search`: a row (its best chunk) or, with --chunks, one chunk. */
export interface SearchResultLine {
  hit: SearchHit;
  /** How many of the row's chunks were among the hits (rows of a chunked sink only). */
  matchedChunks?: number;
}

export function rowResults(rows: RowHit[]): SearchResultLine[] {
  return rows.map((row) => ({ hit: row.best, matchedChunks: row.matchedChunks }));
}

/** The `hits` of `--json`: the fields of a whole-row point, plus where the chunk sits in its row. */
export function jsonHits(lines: SearchResultLine[]) {
  return lines.map(({ hit, matchedChunks }) => ({
    id: hit.id,
    score: hit.score,
    key: hit.payload.key,
    content: hit.payload.content,
    metadata: hit.payload.metadata,
    chunk: chunkPosition(hit.payload),
    ...(matchedChunks === undefined ? {} : { matchedChunks }),
  }));
}

/** The table of hits; a `chunk` column (index/count and offsets) when the sink holds chunks. */
export function renderHits(output: Output, lines: SearchResultLine[]): string {
  const chunked = lines.some(({ hit }) => chunkPosition(hit.payload) !== null);
  const width = Math.max(30, output.width - (chunked ? 60 : 40));
  const text = (hit: SearchHit) =>
    hit.payload.content === null ? '(text not stored)' : truncate(hit.payload.content, width);
  if (!chunked)
    return renderTable(
      ['#', 'score', 'key', 'text'],
      lines.map(({ hit }, index) => [index + 1, hit.score.toFixed(4), hit.payload.key, text(hit)]),
      { colAligns: ['right', 'right', 'left', 'left'] },
    );
  return renderTable(
    ['#', 'score', 'key', 'chunk', 'text'],
    lines.map(({ hit, matchedChunks }, index) => [
      index + 1,
      hit.score.toFixed(4),
      hit.payload.key,
      describeChunk(chunkPosition(hit.payload), matchedChunks),
      text(hit),
    ]),
    { colAligns: ['right', 'right', 'left', 'left', 'left'] },
  );
}

/** "3/12 @1200-1800" (chunk 3 of 12, characters 1200 to 1800 of the row), "+2 more" matched. */
function describeChunk(position: ChunkPosition | null, matchedChunks?: number): string {
  if (!position) return '(whole row)';
  const where = `${position.index + 1}/${position.count} @${position.start}-${position.end}`;
  return matchedChunks !== undefined && matchedChunks > 1
    ? `${where} (+${matchedChunks - 1} more)`
    : where;
}
