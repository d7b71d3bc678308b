import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

/** Decompresses one ZSTD page into exactly `outputLength` bytes (into `output` when given). */
export type ZstdDecompress = (
  input: Uint8Array,
  outputLength: number,
  output?: Uint8Array,
) => Uint8Array;

/** Where the system's libzstd usually is: Linux distributions, Homebrew/macOS, Windows. */
export const ZSTD_LIBRARY_NAMES = [
  'libzstd.so.1',
  'libzstd.so',
  'libzstd.1.dylib',
  '/opt/homebrew/lib/libzstd.1.dylib',
  '/usr/local/lib/libzstd.1.dylib',
  'libzstd.dll',
  'zstd.dll',
];

/**
 * koffi's native module. Its entry script also loads `https`, `crypto` and `zlib` for
 * its installer, ~10 ms of every read of a table with ZSTD files (of ~180 ms CPU for the
 * bench's 100k-row change feed); the prebuilt module for this platform, checked against the
 * package's version, is all a call needs. Elsewhere (musl, a bundled copy) the entry script
 * finds it. CommonJS, so required, not imported: the ESM loader would scan it for exports.
 */
export function requireKoffi(): Koffi {
  const require = createRequire(import.meta.url);
  try {
    const manifest = require.resolve('koffi/package.json');
    const { version } = require(manifest) as { version: string };
    const native = require(
      manifest.replace(
        /package\.json$/,
        `build/koffi/${process.platform}_${process.arch}/koffi.node`,
      ),
    ) as Koffi & { version?: string };
    if (native.version === version) return native;
  } catch {
    // not where this version of koffi keeps it: its entry script knows where to look
  }
  return require('koffi') as Koffi;
}

/**
 * The system's libzstd through koffi (FFI with prebuilt binaries inside the npm package):
 * native ZSTD is ~2-3x the WebAssembly build on delta-rs's DML pages. Returns undefined
 * when koffi or the library cannot be loaded, so the caller falls back to WebAssembly;
 * loading never throws.
 */
export async function loadNativeZstd(
  libraryNames: readonly string[] = ZSTD_LIBRARY_NAMES,
): Promise<ZstdDecompress | undefined> {
  try {
    const koffi = requireKoffi();
    for (const name of libraryNames) {
      try {
        const library = koffi.load(name);
        const createContext = library.func('void *ZSTD_createDCtx()');
        const decompress = library.func(
          'size_t ZSTD_decompressDCtx(void *dctx, void *dst, size_t dstCapacity, const void *src, size_t srcSize)',
        );
        const errorName = library.func('const char *ZSTD_getErrorName(size_t code)');
        // one context for the process: ZSTD_decompress would allocate one per page (~3 µs)
        const context = createContext();
        if (!context) continue;
        return (input, outputLength, output = new Uint8Array(outputLength)) => {
          if (output.length !== outputLength)
            throw new Error('ZSTD output buffer of the wrong size');
          const written = decompress(context, output, outputLength, input, input.length);
          // error codes are near 2^64, so koffi hands them over as a bigint
          if (written !== outputLength)
            throw new Error(
              typeof written === 'bigint'
                ? `A ZSTD page could not be decompressed (${errorName(written)}): the file is damaged.`
                : `A ZSTD page decompressed to ${written} bytes where its header says ${outputLength}: the file is damaged.`,
            );
          return output;
        };
      } catch {
        // not this name: try the next one
      }
    }
  } catch {
    // koffi is not installed or has no binary for this platform
  }
  return undefined;
}
