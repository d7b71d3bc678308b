import { describe, expect, it } from 'vitest';
import type { DeltaFileSystem } from './delta-file-system.js';
import { createStoreFileSystem } from './store-file-system.js';

describe('createStoreFileSystem', () => {
  it('says in one line which package to install when the store package is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@drift-spark/delta-store-s3'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const fileSystem = createStoreFileSystem('s3', () => Promise.reject(missing));
    expect(fileSystem.resolve('s3://b/t', '_delta_log')).toBe('s3://b/t/_delta_log');
    await expect(fileSystem.list('s3://b/t/_delta_log')).rejects.toThrow(
      'Reading a table on S3 needs @drift-spark/delta-store-s3, which is not installed: install it with "npm install @drift-spark/delta-store-s3".',
    );
  });

  it('loads the package once, at the first call, and delegates to its file system', async () => {
    let imports = 0;
    const inner = {
      list: async () => [],
      read: async () => new Uint8Array([1]),
      stat: async () => undefined,
      isDirectory: async () => true,
    } as unknown as DeltaFileSystem;
    const fileSystem = createStoreFileSystem('gcs', async (name) => {
      imports++;
      expect(name).toBe('@drift-spark/delta-store-gcs');
      return { createGcsFileSystem: () => inner };
    });
    expect(imports).toBe(0);
    expect(await fileSystem.isDirectory('gs://b/t')).toBe(true);
    expect(await fileSystem.read('gs://b/t/x')).toEqual(new Uint8Array([1]));
    expect(imports).toBe(1);
  });
});
