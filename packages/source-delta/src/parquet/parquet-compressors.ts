import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Compressors, FileMetaData } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import { ZSTDDecoder } from 'zstddec';
import { isMostlyLiteral, snappyLiteralDecode } from './snappy-literal.js';
import { loadNativeZstd } from './zstd-native.js';

let base: Compressors | undefined;
let zstd: Promise<Compressors | undefined> | undefined;
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
 * through hysnappy (snappy-literal.ts). ZSTD is loaded only for a file that has ZSTD
 * chunks (or when no metadata is given): koffi and libzstd cost ~24 ms of CPU, which a
 * table written with Snappy only (Spark's default) need not pay. hyparquet-compressors
 * (LZ4, and pure-JS ZSTD when WebAssembly cannot start) is imported only for a file that
 * needs it: building its tables cost every read ~60 ms of start-up.
 */
export async function loadCompressors(metadata?: FileMetaData): Promise<Compressors> {
  base ??= baseCompressors();
  const codecs = new Set(
    metadata?.row_groups.flatMap((group) => group.columns.map((chunk) => chunk.meta_data?.codec)),
  );
  const wantsZstd = metadata === undefined || codecs.has('ZSTD');
  zstd ??= wantsZstd ? loadZstd(base) : undefined;
  const withZstd = wantsZstd ? await zstd : undefined;
  const compressors = withZstd ?? base;
  const needsPortable =
    codecs.has('LZ4') || codecs.has('LZ4_RAW') || (wantsZstd && withZstd === undefined);
  if (!needsPortable) return compressors;
  portable ??= import('hyparquet-compressors').then((module) => module.compressors);
  return { ...(await portable), ...compressors };
}

function baseCompressors(): Compressors {
  const wasmSnappy = snappyUncompressor();
  return {
    SNAPPY: ((input: Uint8Array, outputLength: number, output?: Uint8Array) =>
      isMostlyLiteral(input, outputLength)
        ? snappyLiteralDecode(input, outputLength, output)
        : wasmSnappy(input, outputLength)) satisfies PageDecompressor,
    GZIP: (input) => bytesOf(gunzipSync(input)),
    BROTLI: (input) => bytesOf(brotliDecompressSync(input)),
  };
}

/** `base` with ZSTD: native, else WebAssembly; undefined when neither starts. */
async function loadZstd(base: Compressors): Promise<Compressors | undefined> {
  const nativeZstd = await loadNativeZstd();
  if (nativeZstd) return { ...base, ZSTD: nativeZstd };
  try {
    const decoder = new ZSTDDecoder();
    await initWithoutFetch(decoder);
    return { ...base, ZSTD: (input, outputLength) => decoder.decode(input, outputLength) };
  } catch {
    return undefined;
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
