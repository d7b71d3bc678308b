import { gunzipSync } from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { compressors as portable } from 'hyparquet-compressors';
import { ZSTDDecoder } from 'zstddec';
import { isMostlyLiteral, snappyLiteralDecode } from './snappy-literal.js';

let ready: Promise<Compressors> | undefined;

/**
 * Decompressors for Parquet pages: ZSTD through a WebAssembly build of the reference
 * decoder (delta-rs writes ZSTD for DML; the pure-JS decoder was the bottleneck),
 * GZIP through node:zlib, Snappy in JavaScript for pages of mostly literals and else
 * hysnappy (snappy-literal.ts), the rest (Brotli, LZ4) from hyparquet-compressors.
 * Falls back to the pure-JS decoders when WebAssembly cannot start.
 */
export function loadCompressors(): Promise<Compressors> {
  ready ??= (async (): Promise<Compressors> => {
    const gzip = (input: Uint8Array) => new Uint8Array(gunzipSync(input));
    const snappy = (input: Uint8Array, outputLength: number) =>
      isMostlyLiteral(input, outputLength)
        ? snappyLiteralDecode(input, outputLength)
        : portable.SNAPPY!(input, outputLength);
    try {
      const decoder = new ZSTDDecoder();
      await initWithoutFetch(decoder);
      return {
        ...portable,
        GZIP: gzip,
        SNAPPY: snappy,
        ZSTD: (input: Uint8Array, outputLength: number) => decoder.decode(input, outputLength),
      };
    } catch {
      return { ...portable, GZIP: gzip, SNAPPY: snappy };
    }
  })();
  return ready;
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
