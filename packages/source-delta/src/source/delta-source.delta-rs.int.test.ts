import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CellValue, Row } from '@drift-spark/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowKey, sortRows } from '../testing/fixtures.js';
import { runPythonScript } from '../testing/python-writer.js';
import { createDeltaSource } from './delta-source.js';

/**
 * Cross-check against delta-rs (the Python `deltalake` package from the shared venv): a
 * table with every common type, written and then updated and deleted from by delta-rs,
 * must read the same natively, snapshot and Change Data Feed, microseconds included.
 */
const writer = `
import datetime as dt, decimal, json, sys
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

table_dir = sys.argv[1]
utc = dt.timezone.utc
schema = pa.schema([
    ("id", pa.int64()), ("big", pa.int64()), ("ts", pa.timestamp("us", tz="UTC")), ("ntz", pa.timestamp("us")),
    ("d", pa.date32()), ("dec", pa.decimal128(10, 2)), ("bin", pa.binary()), ("flag", pa.bool_()), ("f", pa.float64()),
    ("s", pa.struct([("a", pa.int32()), ("b", pa.string())])), ("arr", pa.list_(pa.int32())),
    ("words", pa.list_(pa.string())), ("attrs", pa.map_(pa.string(), pa.string())), ("region", pa.string()),
])
rows = []
for i in range(40):
    rows.append({
        "id": i, "big": 2**60 + i,
        "ts": dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=utc) + dt.timedelta(microseconds=i),
        "ntz": dt.datetime(1969, 12, 31, 23, 59, 59, 999999) + dt.timedelta(microseconds=i),
        "d": dt.date(2024, 2, 29) + dt.timedelta(days=i), "dec": decimal.Decimal(i) / 4,
        "bin": bytes([i, 255 - i]), "flag": i % 2 == 0, "f": i / 3,
        "s": {"a": i, "b": "xé🌊"[: i % 4]}, "arr": list(range(i % 4)),
        "words": None if i % 7 == 0 else ["ünï", "code", ""][: i % 4],
        "attrs": None if i % 6 == 0 else [("k%d" % j, "v€%d" % i) for j in range(i % 3)],
        "region": None if i % 5 == 0 else ["eu", "us"][i % 2],
    })
write_deltalake(table_dir, pa.Table.from_pylist(rows, schema=schema), partition_by=["region"],
                configuration={"delta.enableChangeDataFeed": "true"})
table = DeltaTable(table_dir)
table.update(predicate="id < 5", updates={"f": "f + 100"})
table.delete(predicate="id >= 35")
write_deltalake(table_dir, pa.Table.from_pylist([dict(rows[1], id=100)], schema=schema), mode="append")
DeltaTable(table_dir).create_checkpoint()
write_deltalake(table_dir, pa.Table.from_pylist([dict(rows[2], id=101)], schema=schema), mode="append")
table = DeltaTable(table_dir)

def canon(row):
    out = {}
    for key, value in row.items():
        if key in ("id", "big", "_commit_version"): out[key] = str(value)
        elif key == "ts": out[key] = value.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif key == "ntz": out[key] = value.strftime("%Y-%m-%dT%H:%M:%S.%f")
        elif key == "d": out[key] = value.isoformat()
        elif key == "dec": out[key] = float(value)
        elif key == "bin": out[key] = value.hex()
        elif key == "attrs": out[key] = None if value is None else dict(value)
        elif key == "_commit_timestamp": out[key] = int(value.replace(tzinfo=utc).timestamp() * 1000) if value.tzinfo is None else int(value.timestamp() * 1000)
        else: out[key] = value
    return out

snapshot = [canon(r) for r in table.to_pyarrow_table().to_pylist()]
changes = [canon(r) for r in pa.table(table.load_cdf(starting_version=0)).to_pylist()]
json.dump({"version": table.version(), "snapshot": snapshot, "changes": changes}, sys.stdout)
`;

interface Expected {
  version: number;
  snapshot: Record<string, unknown>[];
  changes: Record<string, unknown>[];
}

function only(keep: (name: string) => boolean) {
  return (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).filter(([name]) => keep(name)));
}

function canon(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = canonValue(value);
  return out;
}

function canonValue(value: CellValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

describe('delta-rs cross-check (a table written by the deltalake package)', () => {
  let directory: string;
  let table: string;
  let expected: Expected;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-delta-rs-'));
    table = path.join(directory, 'table');
    expected = JSON.parse(runPythonScript(directory, writer, [table])) as Expected;
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  // With a map column hyparquet decodes strings eagerly (map keys); without one, string
  // bytes stay views into the page until each row is built: both paths are checked.
  const columnSets = [
    ['every column (a map among them)', (_name: string) => true],
    ['all but the map column (strings decoded row by row)', (name: string) => name !== 'attrs'],
  ] as const;

  test.each(columnSets)(
    'the snapshot matches delta-rs value for value (bigint, microsecond timestamps, dates, nested): %s',
    async (_, keep) => {
      const source = createDeltaSource({ path: table });
      const description = await source.describe();
      expect(description.latestVersion).toBe(expected.version);
      // Counted from the log (a checkpoint and a commit after it), for the progress bar.
      expect(description.rowCount).toBe(expected.snapshot.length);
      const columns = description.columns.map((column) => column.name).filter(keep);
      const rows: Record<string, unknown>[] = [];
      for await (const batch of source.scan({ columns, batchSize: 7 }))
        rows.push(...batch.rows.map(canon));
      expect(rows).toHaveLength(expected.snapshot.length);
      expect(sortRows(rows).map(rowKey)).toEqual(
        sortRows(expected.snapshot.map(only(keep))).map(rowKey),
      );
    },
  );

  test.each(columnSets)(
    'the Change Data Feed matches delta-rs load_cdf, commit timestamps included: %s',
    async (_, keep) => {
      const source = createDeltaSource({ path: table });
      const columns = (await source.describe()).columns.map((column) => column.name).filter(keep);
      const changes: Record<string, unknown>[] = [];
      for await (const batch of source.changes({ columns, fromVersion: 0, batchSize: 5 })) {
        for (const change of batch.changes) {
          changes.push({
            ...canon(change.row),
            _change_type: change.type,
            _commit_version: String(change.commitVersion),
            _commit_timestamp: change.commitTimestamp,
          });
        }
      }
      expect(changes.length).toBeGreaterThan(40);
      expect(sortRows(changes).map(rowKey)).toEqual(
        sortRows(expected.changes.map(only(keep))).map(rowKey),
      );
    },
  );
});
