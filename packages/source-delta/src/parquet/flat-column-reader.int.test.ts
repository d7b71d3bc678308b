import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type AsyncBuffer, parquetMetadata, parquetScan, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeltaType } from '../schema/delta-schema.js';
import { converterFor, lazyStringParsers } from '../schema/delta-values.js';
import { runPythonScript } from '../testing/python-writer.js';
import { hyparquetValues, readColumnValues } from './column-values.js';
import { flatKindOf, NumberValues, StringValues } from './flat-values.js';
import { loadCompressors } from './parquet-compressors.js';

/**
 * The flat-column decoder against hyparquet, value by value, on random Parquet files
 * written by pyarrow: every codec delta-rs writes, data pages v1 and v2, dictionary on,
 * off, and overflowing into PLAIN pages mid-chunk, random nulls, required columns, empty
 * and multi-byte UTF-8 strings, several pages and row groups, with and without an offset
 * index, read whole and in random row ranges.
 */
const writer = `
import random, sys
import pyarrow as pa, pyarrow.parquet as pq

root, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
alphabet = ["a", "b", "z", " ", "é", "ü", "€", "日本", "😀", "\\u0000"]

def text():
    if random.random() < 0.1: return ""
    pool = random.choice([alphabet, ["x", "yy", "é"]])
    return "".join(random.choices(pool, k=random.choice([1, 3, 20, 300])))

def column(kind, n, nullable):
    null = random.choice([0, 0.1, 0.5, 1.0]) if nullable else 0
    few = random.random() < 0.5  # few distinct values: dictionary pages stay in use
    def value():
        if kind == "string": return random.choice(["k1", "k2", "日本"]) if few else text()
        if kind == "int64": return random.randint(-2**63, 2**63 - 1) if not few else random.randint(0, 3)
        if kind == "int32": return random.randint(-2**31, 2**31 - 1) if not few else random.randint(0, 3)
        if kind == "double": return random.choice([0.0, -0.0, 1.5, float("inf"), random.random() * 1e300])
        if kind == "float": return random.choice([0.5, -2.25, 3.0])
        return random.random() < 0.5
    return [None if random.random() < null else value() for _ in range(n)]

types = {"string": pa.string(), "int64": pa.int64(), "int32": pa.int32(), "double": pa.float64(),
         "float": pa.float32(), "boolean": pa.bool_(), "short": pa.int16(), "byte": pa.int8()}
codecs = ["NONE", "SNAPPY", "GZIP", "BROTLI", "ZSTD", "LZ4"]
for index in range(count):
    n = random.choice([1, 7, 300, 5000])
    codec = random.choice(codecs)
    fields, arrays = [], []
    for name, kind in [(k, k) for k in types] + [("text2", "string")]:
        nullable = random.random() < 0.8
        values = column({"short": "int32", "byte": "int32"}.get(kind, kind), n, nullable)
        if kind == "short": values = [v if v is None else v % 30000 for v in values]
        if kind == "byte": values = [v if v is None else v % 100 for v in values]
        fields.append(pa.field(name, types[kind], nullable=nullable))
        arrays.append(pa.array(values, types[kind]))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, f"{root}/{index:03d}.parquet",
        compression=codec,
        use_dictionary=random.choice([True, False, ["string", "int64"]]),
        dictionary_pagesize_limit=random.choice([64, 1024, 1 << 20]),
        data_page_version=random.choice(["1.0", "2.0"]),
        data_page_size=random.choice([64, 1024, 1 << 20]),
        write_batch_size=random.choice([16, 1024]),
        row_group_size=random.choice([100, 2000, 100000]),
        write_page_index=random.random() < 0.5)
`;

const deltaTypes: Record<string, DeltaType> = {
  string: 'string',
  text2: 'string',
  int64: 'long',
  int32: 'integer',
  short: 'short',
  byte: 'byte',
  double: 'double',
  float: 'float',
  boolean: 'boolean',
};

function bufferOf(file: string): AsyncBuffer {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return { byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end) };
}

describe('the flat-column decoder', () => {
  let directory: string;
  const seed = Date.now() % 100_000;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-flat-'));
    runPythonScript(directory, writer, [directory, String(seed), '60']);
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test('gives what hyparquet gives, value for value', async () => {
    const files = readdirSync(directory).filter((name) => name.endsWith('.parquet'));
    expect(files.length).toBe(60);
    let reads = 0;
    let flatReads = 0;
    for (const name of files) {
      const file = bufferOf(path.join(directory, name));
      const metadata = parquetMetadata(await file.slice(0));
      const compressors = await loadCompressors(metadata);
      const options = { file, metadata, compressors, parsers: lazyStringParsers, utf8: false };
      const scan = await parquetScan({ ...options, useOffsetIndex: true });
      // Half the files are read a page per read, as a slice of a large row group is.
      const readBytes = Math.random() < 0.5 ? 1 : undefined;
      const source = { file, metadata, scan, compressors, ...(readBytes ? { readBytes } : {}) };
      for (const child of parquetSchema(metadata).children) {
        const { element } = child;
        const type = deltaTypes[element.name]!;
        const kind = flatKindOf(element, type);
        expect(kind, `${name} ${element.name}`).toBeDefined();
        const decode = { name: element.name, convert: converterFor(type, 'none') };
        const flat = { kind: kind!, nullable: element.repetition_type !== 'REQUIRED' };
        for (const range of scan.ranges) {
          const cut = range.rowStart + Math.floor(Math.random() * (range.rowEnd - range.rowStart));
          for (const [start, end] of [
            [range.rowStart, range.rowEnd],
            [range.rowStart, cut],
            [cut, range.rowEnd],
          ] as const) {
            if (start === end) continue;
            const ours = await readColumnValues(source, { ...decode, flat }, start, end);
            const theirs = await scan
              .readColumn({ column: element.name, rowStart: start, rowEnd: end })
              .then((raw) => hyparquetValues(raw, decode.convert))
              // hyparquet fails on LZ4's empty dictionary page of an all-null chunk
              .catch((error: Error) => {
                if (!error.message.startsWith('lz4 offset')) throw error;
                return { get: () => null };
              });
            for (let row = 0; row < end - start; row++) {
              if (isDeepStrictEqual(ours.get(row), theirs.get(row))) continue;
              const label = `seed ${seed}: ${name} ${element.name} row ${start + row}`;
              expect(ours.get(row), label).toStrictEqual(theirs.get(row));
            }
            reads++;
            if (ours instanceof StringValues || ours instanceof NumberValues) flatReads++;
          }
        }
      }
    }
    expect(reads).toBeGreaterThan(500);
    expect(flatReads).toBe(reads);
  });
});
