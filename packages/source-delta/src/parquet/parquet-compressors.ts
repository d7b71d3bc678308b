import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Compressors, FileMetaData } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import { ZSTDDecoder } from 'zstddec';
import { isMostlyLiteral, snappyLiteralDecode } from './snappy-literal.js';
import { loadNativeZstd } from './zstd-native.js';

let native: Promise<{ compressors: Compressors; zstd: boolean }> | undefined;
let portable: Promise<Compressors> | undefined;

/**
 * A page decompressor that may write into `output` (exactly `outputLength` bytes, reused
 * memory) instead of allocating; it returns the page either way. hyparquet calls the same
 * functions with two arguments.
 */
export type PageDecompressor = (
  input: Uint8Array,
  outputLength: number,
  output?: Uint8Array,
) => Uint8Array;

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);

/**
 * Decompressors for Parquet pages: ZSTD through the system's libzstd when it loads
 * (zstd-native.ts), else a WebAssembly build of the reference decoder (delta-rs writes
 * ZSTD for DML; the pure-JS decoder was the bottleneck), GZIP and
 * Brotli through node:zlib, Snappy in JavaScript for pages of mostly literals and else
 * through hysnappy (snappy-literal.ts). hyparquet-compressors (LZ4, and pure-JS ZSTD when
 * WebAssembly cannot start) is imported only for a file that needs it: building its
 * tables cost every read ~60 ms of start-up.
 */
export async function loadCompressors(metadata?: FileMetaData): Promise<Compressors> {
  native ??= loadNative();
  const { compressors, zstd } = await native;
  const codecs = new Set(
    metadata?.row_groups.flatMap((group) => group.columns.map((chunk) => chunk.meta_data?.codec)),
  );
  const needsPortable = codecs.has('LZ4') || codecs.has('LZ4_RAW') || (!zstd && codecs.has('ZSTD'));
  if (!needsPortable) return compressors;
  portable ??= import('hyparquet-compressors').then((module) => module.compressors);
  return { ...(await portable), ...compressors };
}

async function loadNative(): Promise<{ compressors: Compressors; zstd: boolean }> {
  const wasmSnappy = snappyUncompressor();
  const compressors: Compressors = {
    SNAPPY: ((input: Uint8Array, outputLength: number, output?: Uint8Array) =>
      isMostlyLiteral(input, outputLength)
        ? snappyLiteralDecode(input, outputLength, output)
        : wasmSnappy(input, outputLength)) satisfies PageDecompressor,
    GZIP: (input) => bytesOf(gunzipSync(input)),
    BROTLI: (input) => bytesOf(brotliDecompressSync(input)),
  };
  const nativeZstd = await loadNativeZstd();
  if (nativeZstd) {
    compressors.ZSTD = nativeZstd;
    return { compressors, zstd: true };
  }
  try {
    const decoder = new ZSTDDecoder();
    await initWithoutFetch(decoder);
    compressors.ZSTD = (input, outputLength) => decoder.decode(input, outputLength);
    return { compressors, zstd: true };
  } catch {
    return { compressors, zstd: false };
  }
}

/**
 * zstddec loads its WebAssembly through `fetch` of a data URL when `fetch` exists, and in
 * Node the first `fetch` loads undici (~60 ms of start-up on every read). Hidden for the
 * synchronous moment `init` checks for it, zstddec instantiates from a Buffer instead.
 */
function initWithoutFetch(decoder: ZSTDDecoder): Promise<void> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!descriptor?.configurable) return decoder.init();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true });
  try {
    return decoder.init();
  } finally {
    Object.defineProperty(globalThis, 'fetch', descriptor);
  }
}
