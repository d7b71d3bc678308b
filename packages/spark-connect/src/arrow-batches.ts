import { type RecordBatch, RecordBatchReader, type Vector } from 'apache-arrow';

/**
 * Decodes one `ArrowBatch.data` payload. Each payload is a complete Arrow IPC stream
 * (schema + batches + end-of-stream), so it is read on its own, never concatenated.
 */
export function decodeArrowPayload(data: Uint8Array): RecordBatch[] {
  const reader = RecordBatchReader.from(data);
  return reader.readAll();
}

/** A row as a plain object: column name → the value apache-arrow returns (Int64 → bigint, Utf8 → string…). */
export type ArrowRow = Record<string, unknown>;

/**
 * The rows of a batch as plain objects. Nested values are turned into plain arrays and
 * objects; scalars are apache-arrow's JS values (Int64 → bigint, Timestamp/Date → number
 * of milliseconds, Binary → Uint8Array, Decimal → its raw words: cast decimals in SQL).
 */
export function batchToRows(batch: RecordBatch): ArrowRow[] {
  const fields = batch.schema.fields;
  const columns: Array<Vector | null> = fields.map((_, index) => batch.getChildAt(index));
  const rows: ArrowRow[] = new Array(batch.numRows);
  for (let rowIndex = 0; rowIndex < batch.numRows; rowIndex++) {
    const row: ArrowRow = {};
    for (let columnIndex = 0; columnIndex < fields.length; columnIndex++) {
      const column = columns[columnIndex];
      row[fields[columnIndex]!.name] = column ? toPlain(column.get(rowIndex)) : null;
    }
    rows[rowIndex] = row;
  }
  return rows;
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value;
  // A list (Vector) or a struct/map row: both have toArray/toJSON in apache-arrow.
  const candidate = value as {
    toArray?: () => unknown;
    toJSON?: () => unknown;
    [Symbol.iterator]?: unknown;
  };
  if (typeof candidate.toJSON === 'function' && !Array.isArray(value)) {
    const json = candidate.toJSON();
    if (Array.isArray(json)) return json.map(toPlain);
    if (json !== null && typeof json === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(json as Record<string, unknown>))
        out[key] = toPlain(inner);
      return out;
    }
    return json;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}
