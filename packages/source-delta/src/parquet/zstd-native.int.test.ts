import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asyncBufferFromFile, parquetRead } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ZSTDDecoder } from 'zstddec';
import { runPythonScript } from '../testing/python-writer.js';
import { loadNativeZstd } from './zstd-native.js';

/**
 * The system's libzstd (through koffi) against zstddec, byte for byte, on every ZSTD page
 * of real files: a delta-rs table with a DML commit (delta-rs writes ZSTD for DML) and
 * pyarrow files at several levels, page sizes and dictionary settings.
 */
const writer = `
import random, sys
import pyarrow as pa, pyarrow.parquet as pq
from deltalake import DeltaTable, WriterProperties, write_deltalake

root = sys.argv[1]
random.seed(11)
words = ["alpha", "beta", "日本", "é", "drift"]
def text(i): return " ".join(random.choices(words, k=random.choice([0, 1, 40, 900])))
table = pa.table({"id": pa.array(range(4000), pa.int64()),
                  "text": pa.array([None if i % 13 == 0 else text(i) for i in range(4000)]),
                  "n": pa.array([i * 7 for i in range(4000)], pa.int32())})
write_deltalake(f"{root}/delta", table, configuration={"delta.enableChangeDataFeed": "true"})
DeltaTable(f"{root}/delta").update(predicate="id % 5 = 0", updates={"n": "n + 1"})
for index, (level, page, dictionary) in enumerate([(1, 1024, True), (3, 65536, False), (19, 1 << 20, True)]):
    pq.write_table(table, f"{root}/pyarrow-{index}.zstd.parquet", compression="zstd",
                   compression_level=level, data_page_size=page, use_dictionary=dictionary)
`;

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.parquet'))
    .map((name) => path.join(directory, name));
}

describe('native ZSTD (libzstd through koffi)', () => {
  let directory: string;
  const pages: [Uint8Array, number][] = [];
  const wasm = new ZSTDDecoder();

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-zstd-'));
    runPythonScript(directory, writer, [directory]);
    await wasm.init();
    for (const file of filesUnder(directory)) {
      await parquetRead({
        file: await asyncBufferFromFile(file),
        compressors: {
          ZSTD: (input, length) => {
            pages.push([input.slice(), length]);
            return wasm.decode(input, length);
          },
        },
      });
    }
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test('decompresses every ZSTD page of delta-rs and pyarrow files exactly as zstddec does', async () => {
    const native = await loadNativeZstd();
    expect(
      native,
      'libzstd should load on this machine (libzstd1 is a dpkg dependency)',
    ).toBeDefined();
    // the delta-rs DML files and the three pyarrow files, several pages each
    expect(pages.length).toBeGreaterThan(20);
    for (const [input, length] of pages)
      expect(Buffer.compare(native!(input, length), wasm.decode(input, length))).toBe(0);
  });

  test('decompresses into reused memory inside a larger buffer, touching nothing around it', async () => {
    const native = (await loadNativeZstd())!;
    const memory = new Uint8Array(Math.max(...pages.map(([, length]) => length)) + 64);
    for (const [input, length] of pages) {
      memory.fill(0xee);
      const output = memory.subarray(16, 16 + length);
      const page = native(input, length, output);
      expect(page).toBe(output);
      expect(Buffer.compare(page, wasm.decode(input, length))).toBe(0);
      expect(memory.subarray(0, 16).every((byte) => byte === 0xee)).toBe(true);
      expect(memory.subarray(16 + length).every((byte) => byte === 0xee)).toBe(true);
    }
  });

  test('a damaged page fails with a clear error, not a crash or short output', async () => {
    const native = (await loadNativeZstd())!;
    const [input, length] = pages.find(([page]) => page.length > 100)!;
    const damaged = input.slice(0, input.length - 20);
    expect(() => native(damaged, length)).toThrow(/ZSTD page .*the file is damaged/);
    expect(() => native(input, length + 1)).toThrow(/the file is damaged/);
  });

  test('returns undefined, without throwing, when no library loads or it lacks ZSTD', async () => {
    expect(await loadNativeZstd(['/nonexistent/libzstd.so.1'])).toBeUndefined();
    expect(await loadNativeZstd(['libm.so.6'])).toBeUndefined();
    expect(await loadNativeZstd([])).toBeUndefined();
  });
});
