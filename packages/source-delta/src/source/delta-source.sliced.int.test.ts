import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPythonScript } from '../testing/python-writer.js';
import { createDeltaSource } from './delta-source.js';

/**
 * A row group far larger than the reader's 8 MB slices (delta-rs writes one per file, with
 * page offset indexes), so the scan decodes it slice by slice, fetching a few pages per
 * read: every row must come back whole and once, texts of random lengths (multi-byte
 * UTF-8, empty, null) straddling page and slice boundaries. Random per run; the seed is in
 * the failure message.
 */
const writer = `
import hashlib, json, random, sys
import pyarrow as pa, pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

table_dir, seed = sys.argv[1], int(sys.argv[2])
random.seed(seed)
alphabet = ["a", "b", "z", " ", "é", "ü", "€", "日本", "😀"]
count = random.randint(9000, 14000)
ids, ns, texts = [], [], []
for i in range(count):
    ids.append(i * 3 + random.randint(0, 2))
    ns.append(random.randint(-2**40, 2**40))
    roll = random.random()
    if roll < 0.03: texts.append(None)
    elif roll < 0.06: texts.append("")
    else: texts.append("".join(random.choice(alphabet) for _ in range(random.randint(1, 2400))))
schema = pa.schema([("id", pa.int64()), ("n", pa.int64()), ("text", pa.string())])
write_deltalake(table_dir, pa.Table.from_pydict({"id": ids, "n": ns, "text": texts}, schema=schema))
files = DeltaTable(table_dir).file_uris()
meta = pq.ParquetFile(files[0]).metadata
expected = {str(i): [str(n), None if t is None else hashlib.sha256(t.encode()).hexdigest()]
            for i, n, t in zip(ids, ns, texts)}
print(json.dumps({
    "files": len(files),
    "groupBytes": max(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups)),
    "offsetIndex": all(meta.row_group(0).column(c).has_offset_index for c in range(3)),
    "rows": expected,
}))
`;

interface Written {
  files: number;
  groupBytes: number;
  offsetIndex: boolean;
  rows: Record<string, [string, string | null]>;
}

describe('a scan of a row group read in slices', () => {
  const seed = Math.floor(Math.random() * 1_000_000);
  let directory: string;
  let table: string;
  let written: Written;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-sliced-'));
    table = path.join(directory, 'table');
    written = JSON.parse(runPythonScript(directory, writer, [table, String(seed)])) as Written;
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test('gives every row once, as written', async () => {
    // the slice path only runs for a row group over twice the slice size, with offset indexes
    expect(written.files).toBe(1);
    expect(written.groupBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(written.offsetIndex).toBe(true);
    const source = createDeltaSource({ path: table });
    const seen = new Set<string>();
    const batchSize = 1 + Math.floor(Math.random() * 3000);
    for await (const batch of source.scan({ columns: ['id', 'n', 'text'], batchSize })) {
      for (const row of batch.rows) {
        const id = String(row.id);
        const text = row.text as string | null;
        const got = [String(row.n), text === null ? null : sha256(text)];
        expect(got, `seed ${seed}: row ${id}`).toStrictEqual(written.rows[id]);
        expect(seen.has(id), `seed ${seed}: row ${id} twice`).toBe(false);
        seen.add(id);
      }
    }
    expect(seen.size, `seed ${seed}`).toBe(Object.keys(written.rows).length);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
