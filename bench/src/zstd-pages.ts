/**
 * ZSTD page decompression alone: native libzstd (koffi) against zstddec (WebAssembly), on
 * every ZSTD page of a table's files (delta-rs writes ZSTD for DML). Prints CPU ms per
 * decoder per round and the per-call cost on the smallest page.
 *
 *   node --import tsx src/zstd-pages.ts <table-dir> [rounds]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as hyparquet from 'hyparquet';
import { ZSTDDecoder } from 'zstddec';
import { loadNativeZstd } from '../../packages/source-delta/src/parquet/zstd-native.js';

const [table = '', roundsText = '5'] = process.argv.slice(2);
const files = ['', '_change_data']
  .flatMap((dir) => readdirSync(join(table, dir)).map((name) => join(table, dir, name)))
  .filter((path) => path.endsWith('.zstd.parquet'));
const wasm = new ZSTDDecoder();
await wasm.init();
const native = await loadNativeZstd();
if (!native) throw new Error('native libzstd did not load');
const pages: [Uint8Array, number][] = [];
for (const path of files) {
  const file = await hyparquet.asyncBufferFromFile(path);
  await hyparquet.parquetRead({
    file,
    compressors: {
      ZSTD: (input, length) => {
        pages.push([input.slice(), length]);
        return wasm.decode(input, length);
      },
    },
  });
}
const bytes = pages.reduce((sum, [, length]) => sum + length, 0);
console.log(`${files.length} files, ${pages.length} pages, ${(bytes / 1e6).toFixed(1)} MB out`);
for (const [input, length] of pages)
  if (Buffer.compare(wasm.decode(input, length), native(input, length)) !== 0)
    throw new Error('native and WebAssembly outputs differ');

const cpuMs = (run: () => void) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const decodeAll = (decode: (input: Uint8Array, length: number) => Uint8Array) => () => {
  for (const [input, length] of pages) decode(input, length);
};
for (let round = 0; round < Number(roundsText); round++) {
  const w = cpuMs(decodeAll((input, length) => wasm.decode(input, length)));
  const n = cpuMs(decodeAll(native));
  console.log(`round ${round}: zstddec ${w.toFixed(0)} ms, native ${n.toFixed(0)} ms`);
}
const [small, smallLength] = pages.reduce((a, b) => (b[0].length < a[0].length ? b : a));
const calls = 20_000;
const perCall = (decode: (input: Uint8Array, length: number) => Uint8Array) =>
  (cpuMs(() => {
    for (let i = 0; i < calls; i++) decode(small, smallLength);
  }) *
    1000) /
  calls;
console.log(
  `smallest page (${small.length} → ${smallLength} bytes): zstddec ${perCall((i, l) => wasm.decode(i, l)).toFixed(2)} µs/call, native ${perCall(native).toFixed(2)} µs/call`,
);
