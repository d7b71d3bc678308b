import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readChanges, readSnapshot } from '../testing/fixtures.js';
import { runPythonScript } from '../testing/python-writer.js';

/**
 * Every page compression delta-rs can write, read back: Snappy pages of mostly literals
 * (runs of random text, decoded in JavaScript) and well-compressed ones (hysnappy), GZIP and
 * Brotli (node:zlib), ZSTD (WebAssembly), LZ4 and LZ4_RAW (hyparquet-compressors, loaded
 * for these files only), with nulls and several pages per column.
 */
const writer = `
import json, random, sys
import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake

root = sys.argv[1]
random.seed(3)
alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éü"
rows = [{"id": i,
         "text": None if i % 9 == 0 else ("".join(random.choices(alphabet, k=2000)) if (i // 40) % 2 else "repeated phrase %d " % (i % 4) * 60),
         "n": None if i % 4 == 0 else i * 3} for i in range(300)]
schema = pa.schema([("id", pa.int64()), ("text", pa.string()), ("n", pa.int32())])
changes = {}
for codec in sys.argv[2:]:
    table_dir = f"{root}/{codec}"
    props = WriterProperties(compression=codec, data_page_size_limit=16384)
    write_deltalake(table_dir, pa.Table.from_pylist(rows, schema=schema), writer_properties=props,
                    configuration={"delta.enableChangeDataFeed": "true"})
    DeltaTable(table_dir).update(predicate="id < 20", updates={"n": "n + 1"}, writer_properties=props)
    cdf = pa.table(DeltaTable(table_dir).load_cdf(starting_version=1)).to_pylist()
    changes[codec] = [[r["id"], r["text"], r["n"], r["_change_type"]] for r in cdf]
json.dump({"rows": [dict(r, id=str(r["id"])) for r in rows], "changes": changes}, sys.stdout)
`;

const byJson = (left: unknown, right: unknown) =>
  JSON.stringify(left) < JSON.stringify(right) ? -1 : 1;

const codecs = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'];

describe('Parquet page compressions written by delta-rs', () => {
  let directory: string;
  let rows: { id: string; text: string | null; n: number | null }[];
  let changes: Record<string, unknown[][]>;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-codecs-'));
    ({ rows, changes } = JSON.parse(runPythonScript(directory, writer, [directory, ...codecs])));
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test.each(codecs)(
    '%s: the snapshot and the change feed read back value for value',
    async (codec) => {
      const table = path.join(directory, codec);
      const snapshot = await readSnapshot(table, { columns: ['id', 'text', 'n'], version: 0 });
      expect(snapshot.map((row) => ({ ...row, id: String(row.id) }))).toEqual(rows);
      const read = await readChanges(table, { fromVersion: 1, columns: ['id', 'text', 'n'] });
      const ours = read.map((change) => [
        Number(change.id),
        change.text,
        change.n,
        change._change_type,
      ]);
      expect(ours.length).toBeGreaterThan(20);
      expect(ours.sort(byJson)).toEqual(changes[codec]!.sort(byJson));
    },
  );
});
