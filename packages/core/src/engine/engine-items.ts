import { InvalidInputError } from '../errors/errors.js';
import { contentHash } from '../identity/content-hash.js';
import { encodeKey } from '../identity/key-encoding.js';
import { pointId } from '../identity/point-id.js';
import type { CellValue, Row } from '../spec/source-v1.js';

/** One unit of work: a row to upsert (maybe with no text) or a key to delete. */
export interface WorkItem {
  op: 'upsert' | 'delete';
  key: string;
  pointId: string;
  /** The text to embed; null when there is nothing to embed (null, empty or blank). */
  text: string | null;
  /** SHA-256 of `text`, when there is a text. */
  hash: string | null;
  row: Row;
  /**
   * From a change feed: the row changed even when its text did not, so with metadata
   * columns its payload is rewritten (the vector copied from the sink, no provider call).
   */
  changed?: boolean;
  /** A chunk of the row (`chunking`): where it sits in the row's text, offsets in characters. */
  chunk?: { index: number; count: number; start: number; end: number };
  /** For a chunk: its row's own point id, the one `forget` records erased for the whole row. */
  erasureId?: string;
  /**
   * A chunk point that goes while its row stays (a chunk past the new count): its vector
   * is kept by the ledger, in case the text comes back.
   */
  retire?: boolean;
  /**
   * From a change feed: the content hashes the upserts of the same net effect need. A point
   * this item overwrites with another text, or deletes, keeps its vector in the ledger when
   * its text is among them, so a text that moves from one key to another within a run is
   * not paid again whichever batch comes first.
   */
  wantedHashes?: ReadonlySet<string>;
  /** Rewrite the point even when its text is unchanged (a chunk whose row's chunk count changed). */
  refresh?: boolean;
}

export interface ItemContext {
  sourceId: string;
  keyColumns: string[];
  textColumn: string;
}

const nonBlank = /\S/;

/**
 * The text of a row, or null when there is nothing to embed. Numbers and booleans are
 * written in decimal; a structured or binary value has no text of its own (it would embed
 * as "[object Object]" or "104,101,…" and collide), so it is refused, naming the column.
 */
export function textOf(value: CellValue | undefined, column = 'text'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const kind =
      value instanceof Uint8Array
        ? 'binary'
        : value instanceof Date
          ? 'timestamp'
          : Array.isArray(value)
            ? 'array'
            : 'struct';
    throw new InvalidInputError(
      `The text column "${column}" holds ${kind === 'array' ? 'an' : 'a'} ${kind} value, not a string: Drift embeds text. Choose a string column as \`textColumn\`, or add one to the table that holds the text.`,
    );
  }
  const text = typeof value === 'string' ? value : String(value);
  // Blank (only white space) is nothing to embed; the test stops at the first visible character.
  return nonBlank.test(text) ? text : null;
}

export function upsertItem(row: Row, context: ItemContext): WorkItem {
  const key = encodeKey(row, context.keyColumns);
  const text = textOf(row[context.textColumn], context.textColumn);
  return {
    op: 'upsert',
    key,
    pointId: pointId(context.sourceId, key),
    text,
    hash: text === null ? null : contentHash(text),
    row,
  };
}

export function deleteItem(key: string, row: Row, context: ItemContext): WorkItem {
  return {
    op: 'delete',
    key,
    pointId: pointId(context.sourceId, key),
    text: null,
    hash: null,
    row,
  };
}

/** The point's metadata: the metadata columns, 64-bit integers as strings (JSON-safe everywhere). */
export function metadataOf(
  row: Row,
  columns: string[] | undefined,
): Record<string, unknown> | null {
  if (!columns) return null;
  const metadata: Record<string, unknown> = {};
  for (const column of columns) metadata[column] = jsonSafe(row[column] ?? null);
  return metadata;
}

function jsonSafe(value: CellValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (
    value === null ||
    typeof value !== 'object' ||
    value instanceof Date ||
    value instanceof Uint8Array
  )
    return value;
  if (Array.isArray(value)) return value.map(jsonSafe);
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) result[name] = jsonSafe(field);
  return result;
}
