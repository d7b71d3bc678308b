import { endianness } from 'node:os';
import { InvalidInputError, type Point } from '@drift-spark/core';
import { assertStorablePoint } from '@drift-spark/core/internal';

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01). */
const POSTGRES_EPOCH_MICROS = 946_684_800_000_000n;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export interface BinaryCopyOptions {
  dimensions: number;
  /** Write the `content` column (false: NULL). */
  storeContent: boolean;
  /** Append `updated_at` (for a COPY straight into the table rather than the staging table). */
  updatedAt?: Date;
}

/**
 * Encodes points as one PostgreSQL binary COPY stream with the columns
 * (id, key, source, content, content_hash, model, embedding, metadata, run_id[, updated_at]).
 * Binary COPY is the fast path on both engines: PGlite parses vector text at ~2 ms a row
 * inside WASM, while `vector_recv` reads the float4s as they are.
 */
export function encodeBinaryCopy(points: readonly Point[], options: BinaryCopyOptions): Buffer {
  const { dimensions } = options;
  const columns = options.updatedAt ? 10 : 9;
  const texts: Buffer[][] = [];
  let size = SIGNATURE.length + 8 + 2;
  for (const point of points) {
    validatePoint(point, dimensions);
    const payload = point.payload;
    const row = [
      textBuffer(payload.key),
      textBuffer(payload.source),
      options.storeContent && payload.content !== null && payload.content !== undefined
        ? textBuffer(payload.content)
        : NULL_MARK,
      textBuffer(payload.content_hash),
      textBuffer(payload.model),
      payload.metadata === null || payload.metadata === undefined
        ? NULL_MARK
        : Buffer.from(JSON.stringify(payload.metadata, withoutNulValues), 'utf8'),
      payload.run_id === null || payload.run_id === undefined
        ? NULL_MARK
        : textBuffer(payload.run_id),
    ];
    texts.push(row);
    size += 2 + (4 + 16) + (4 + 4 + dimensions * 4) + (options.updatedAt ? 12 : 0);
    for (let index = 0; index < row.length; index++) {
      const value = row[index] as Buffer;
      // jsonb's binary form is a version byte (1) then the text.
      size += 4 + (value === NULL_MARK ? 0 : value.length + (index === 5 ? 1 : 0));
    }
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = SIGNATURE.copy(buffer, 0);
  offset = buffer.writeInt32BE(0, offset); // flags
  offset = buffer.writeInt32BE(0, offset); // header extension length
  const updatedAtMicros = options.updatedAt
    ? BigInt(options.updatedAt.getTime()) * 1000n - POSTGRES_EPOCH_MICROS
    : 0n;
  for (let pointIndex = 0; pointIndex < points.length; pointIndex++) {
    const point = points[pointIndex] as Point;
    const [key, source, content, contentHash, model, metadata, runId] = texts[
      pointIndex
    ] as Buffer[];
    offset = buffer.writeInt16BE(columns, offset);
    offset = buffer.writeInt32BE(16, offset);
    offset += buffer.write(point.id.replace(/-/g, ''), offset, 16, 'hex');
    offset = writeText(buffer, offset, key as Buffer);
    offset = writeText(buffer, offset, source as Buffer);
    offset = writeText(buffer, offset, content as Buffer);
    offset = writeText(buffer, offset, contentHash as Buffer);
    offset = writeText(buffer, offset, model as Buffer);
    offset = buffer.writeInt32BE(4 + dimensions * 4, offset);
    offset = buffer.writeInt16BE(dimensions, offset);
    offset = buffer.writeInt16BE(0, offset); // unused
    const vector =
      point.vector instanceof Float32Array
        ? point.vector
        : Float32Array.from(point.vector as ArrayLike<number>);
    const bytes = dimensions * 4;
    Buffer.from(vector.buffer, vector.byteOffset, bytes).copy(buffer, offset);
    // float4 goes big-endian on the wire; swapping in place is ~20x faster than writeFloatBE per value.
    if (LITTLE_ENDIAN) buffer.subarray(offset, offset + bytes).swap32();
    offset += bytes;
    if (metadata === NULL_MARK) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE((metadata as Buffer).length + 1, offset);
      offset = buffer.writeUInt8(1, offset);
      offset += (metadata as Buffer).copy(buffer, offset);
    }
    offset = writeText(buffer, offset, runId as Buffer);
    if (options.updatedAt) {
      offset = buffer.writeInt32BE(8, offset);
      offset = buffer.writeBigInt64BE(updatedAtMicros, offset);
    }
  }
  offset = buffer.writeInt16BE(-1, offset); // trailer
  return buffer.subarray(0, offset);
}

const NULL_MARK = Buffer.alloc(0);

/**
 * PostgreSQL's text and jsonb cannot hold U+0000 ("invalid byte sequence 0x00"), so the
 * sink stores text with NUL characters removed. `content_hash` stays the SHA-256 of the
 * exact text embedded, so a reader can tell; the vector is of the exact text.
 */
export function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '') : text;
}

function textBuffer(text: string): Buffer {
  return Buffer.from(withoutNul(text), 'utf8');
}

function withoutNulValues(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? withoutNul(value) : value;
}
const LITTLE_ENDIAN = endianness() === 'LE';

function writeText(buffer: Buffer, offset: number, value: Buffer): number {
  if (value === NULL_MARK) return buffer.writeInt32BE(-1, offset);
  const next = buffer.writeInt32BE(value.length, offset);
  return next + value.copy(buffer, next);
}

function validatePoint(point: Point, dimensions: number): void {
  assertStorablePoint(point, dimensions, 'this table');
  const payload = point.payload;
  for (const name of ['key', 'source', 'content_hash', 'model'] as const) {
    if (typeof payload?.[name] !== 'string')
      throw new InvalidInputError(
        `Point ${point.id} has no ${name} in its payload; it is required.`,
      );
  }
}
