import { InvalidInputError } from '../errors/errors.js';
import type { CellValue, Row } from '../spec/source-v1.js';

/**
 * Canonical encoding of one key value, so that two engines (native Delta, Spark) and
 * two runs agree on the same string:
 * - strings as they are;
 * - integers (number or bigint) in decimal, with no exponent and no `.0`;
 * - other numbers in JavaScript's shortest round-trip form;
 * - booleans `true` / `false`;
 * - `Date` (a timestamp) as ISO-8601 UTC with six fractional digits: `2024-01-02T03:04:05.678000Z`.
 *   Sources with microsecond timestamps pass a string in that same form (see `formatTimestampMicros`);
 *   dates without time are passed as `YYYY-MM-DD` strings.
 */
export function encodeKeyPart(value: CellValue, column: string): string {
  if (value === null || value === undefined) {
    throw new InvalidInputError(
      `Key column "${column}" is null; every row needs a key. Choose key columns that are never null (\`keyColumns\`).`,
    );
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InvalidInputError(`Key column "${column}" holds ${value}, which cannot be a key.`);
    }
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return formatTimestampMillis(value);
  throw new InvalidInputError(
    `Key column "${column}" has a ${describe(value)} value; keys must be strings, numbers, booleans, dates or timestamps.`,
  );
}

/**
 * The canonical key of a row: a single key column encodes as its value; a composite key
 * as a JSON array of the encoded parts (so `["a,b","c"]` and `["a","b,c"]` stay distinct).
 */
export function encodeKey(row: Row, keyColumns: readonly string[]): string {
  if (keyColumns.length === 1) {
    const column = keyColumns[0]!;
    return encodeKeyPart(row[column] ?? null, column);
  }
  return JSON.stringify(keyColumns.map((column) => encodeKeyPart(row[column] ?? null, column)));
}

/** `2024-01-02T03:04:05.678000Z` for a Date (microseconds are zero). */
export function formatTimestampMillis(date: Date): string {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, -1)}000Z`;
}

/** `2024-01-02T03:04:05.678901Z` for microseconds since the epoch, exact. */
export function formatTimestampMicros(micros: bigint): string {
  const millis = micros / 1000n;
  let fraction = micros % 1000n;
  let wholeMillis = millis;
  if (fraction < 0n) {
    fraction += 1000n;
    wholeMillis -= 1n;
  }
  const iso = new Date(Number(wholeMillis)).toISOString();
  return `${iso.slice(0, -1)}${fraction.toString().padStart(3, '0')}Z`;
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'binary';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
