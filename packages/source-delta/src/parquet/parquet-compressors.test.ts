import type { FileMetaData } from 'hyparquet';
import { afterEach, describe, expect, it, vi } from 'vitest';

// a zstd frame of "drift" (level 3, content size in the header)
const frame = Uint8Array.from([
  0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, 0x64, 0x72, 0x69, 0x66, 0x74,
]);

describe('loadCompressors', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.doUnmock('./zstd-native.js');
  });

  it('starts ZSTD without fetch (which costs every read the start-up of undici) and leaves fetch in place', async () => {
    const fetchBefore = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch');
    vi.resetModules();
    const { loadCompressors } = await import('./parquet-compressors.js');
    const compressors = await loadCompressors();
    expect(spy).not.toHaveBeenCalled();
    expect(new TextDecoder().decode(compressors.ZSTD!(frame, 5))).toBe('drift');
    spy.mockRestore();
    expect(globalThis.fetch).toBe(fetchBefore);
  });

  it('loads ZSTD only for a file that has ZSTD chunks (koffi and libzstd cost ~24 ms)', async () => {
    vi.resetModules();
    const loadNativeZstd = vi.fn(async () => undefined);
    vi.doMock('./zstd-native.js', () => ({ loadNativeZstd }));
    const { loadCompressors } = await import('./parquet-compressors.js');
    const withCodec = (codec: string) =>
      ({ row_groups: [{ columns: [{ meta_data: { codec } }] }] }) as unknown as FileMetaData;
    const snappy = await loadCompressors(withCodec('SNAPPY'));
    expect(loadNativeZstd).not.toHaveBeenCalled();
    expect(snappy.ZSTD).toBeUndefined();
    expect(snappy.SNAPPY).toBeTypeOf('function');
    const zstd = await loadCompressors(withCodec('ZSTD'));
    expect(loadNativeZstd).toHaveBeenCalledTimes(1);
    expect(new TextDecoder().decode(zstd.ZSTD!(frame, 5))).toBe('drift');
    await loadCompressors(withCodec('ZSTD'));
    expect(loadNativeZstd).toHaveBeenCalledTimes(1);
  });

  it('falls back to the WebAssembly ZSTD when the native library does not load', async () => {
    vi.resetModules();
    const loadNativeZstd = vi.fn(async () => undefined);
    vi.doMock('./zstd-native.js', () => ({ loadNativeZstd }));
    const { loadCompressors } = await import('./parquet-compressors.js');
    const compressors = await loadCompressors();
    expect(loadNativeZstd).toHaveBeenCalled();
    expect(new TextDecoder().decode(compressors.ZSTD!(frame, 5))).toBe('drift');
  });
});
