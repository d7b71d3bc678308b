import { Buffer } from 'node:buffer';
import type { CellValue } from '@drift-spark/core';
import type { SchemaElement } from 'hyparquet';
import type { DeltaType } from '../schema/delta-schema.js';

/** The value kinds the flat-column decoder produces; anything else goes through hyparquet. */
export type FlatKind = 'string' | 'int32' | 'int64' | 'float' | 'double' | 'boolean';

/** Decoded values of one column for a range of rows, read by position. */
export interface ColumnValues {
  get(index: number): CellValue;
}

const signedInteger = (element: SchemaElement) =>
  element.logical_type === undefined ||
  (element.logical_type.type === 'INTEGER' && element.logical_type.isSigned);

/**
 * The kind of a top-level, non-nested Parquet column whose canonical values are its plain
 * physical values (strings as UTF-8): the columns where hyparquet's conversions and ours
 * (delta-values.ts) do nothing but decode. Undefined for every other column.
 */
export function flatKindOf(element: SchemaElement, type: DeltaType): FlatKind | undefined {
  if (element.num_children || element.repetition_type === 'REPEATED') return undefined;
  const converted = element.converted_type;
  switch (type) {
    case 'string':
      return element.type === 'BYTE_ARRAY' &&
        (converted === undefined || converted === 'UTF8') &&
        (element.logical_type === undefined || element.logical_type.type === 'STRING')
        ? 'string'
        : undefined;
    case 'long':
      return element.type === 'INT64' &&
        (converted === undefined || converted === 'INT_64') &&
        signedInteger(element)
        ? 'int64'
        : undefined;
    case 'integer':
    case 'short':
    case 'byte':
      return element.type === 'INT32' &&
        (converted === undefined ||
          converted === 'INT_8' ||
          converted === 'INT_16' ||
          converted === 'INT_32') &&
        signedInteger(element)
        ? 'int32'
        : undefined;
    case 'double':
    case 'float':
    case 'boolean': {
      const physical = { double: 'DOUBLE', float: 'FLOAT', boolean: 'BOOLEAN' }[type];
      return element.type === physical &&
        converted === undefined &&
        element.logical_type === undefined
        ? type
        : undefined;
    }
    default:
      return undefined;
  }
}

export const utf8Slice = Buffer.prototype.utf8Slice as (
  this: Uint8Array,
  start: number,
  end: number,
) => string;

/**
 * A dictionary page's strings, each decoded the first time a row needs it (a text column's
 * dictionary can hold ~1 MB of values that only its first rows use).
 */
export class StringDictionary {
  private readonly decoded: (string | undefined)[];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
  ) {
    this.decoded = new Array(starts.length);
  }

  get(index: number): string | null {
    if (index >= this.starts.length) return null;
    let value = this.decoded[index];
    if (value === undefined) {
      value = utf8Slice.call(this.bytes, this.starts[index]!, this.ends[index]!);
      this.decoded[index] = value;
    }
    return value;
  }
}

/**
 * Strings of a range of rows: each a byte range of a decompressed page (decoded when the
 * row is built, so strings die young with their rows) or an entry of a decoded dictionary.
 */
export class StringValues implements ColumnValues {
  /** Per row: index into `sources`, -1 for null. */
  readonly source: Int32Array;
  /** Per row: the byte offset in a page, or the dictionary index. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly sources: (Uint8Array | StringDictionary)[] = [];

  constructor(length: number) {
    this.source = new Int32Array(length).fill(-1);
    this.start = new Int32Array(length);
    this.end = new Int32Array(length);
  }

  get(index: number): CellValue {
    const source = this.source[index]!;
    if (source < 0) return null;
    const from = this.sources[source]!;
    if (from instanceof StringDictionary) return from.get(this.start[index]!);
    return utf8Slice.call(from, this.start[index]!, this.end[index]!);
  }
}

export type NumberArray = Int32Array | Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** Numbers, bigints or booleans of a range of rows, with a validity mask for nullable columns. */
export class NumberValues implements ColumnValues {
  readonly values: NumberArray;
  /** 1 where the row has a value; absent when every row has one. */
  readonly valid: Uint8Array | undefined;

  constructor(
    readonly kind: Exclude<FlatKind, 'string'>,
    length: number,
    nullable: boolean,
  ) {
    this.values = numberArray(kind, length);
    this.valid = nullable ? new Uint8Array(length) : undefined;
  }

  get(index: number): CellValue {
    if (this.valid !== undefined && this.valid[index] === 0) return null;
    const value = this.values[index]!;
    return this.kind === 'boolean' ? value === 1 : value;
  }
}

export function numberArray(kind: Exclude<FlatKind, 'string'>, length: number): NumberArray {
  switch (kind) {
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'float':
      return new Float32Array(length);
    case 'double':
      return new Float64Array(length);
    default:
      return new Uint8Array(length);
  }
}
