import { deltaError } from '../delta-errors.js';
import type { DeltaFileSystem } from './delta-file-system.js';
import { resolveObjectPath, type TableStore } from './table-uri.js';

/** The package that reads each object store: installed only by those who need it. */
export const storePackages: Readonly<
  Record<Exclude<TableStore, 'local'>, { packageName: string; exportName: string }>
> = {
  s3: { packageName: '@drift-spark/delta-store-s3', exportName: 'createS3FileSystem' },
  azure: { packageName: '@drift-spark/delta-store-azure', exportName: 'createAzureFileSystem' },
  gcs: { packageName: '@drift-spark/delta-store-gcs', exportName: 'createGcsFileSystem' },
};

/** How a store package is imported; tests inject one. */
export type StoreImporter = (packageName: string) => Promise<Record<string, unknown>>;

const defaultImporter: StoreImporter = (packageName) =>
  import(packageName) as Promise<Record<string, unknown>>;

/**
 * The file system of an object store, loaded from its package at the first read (so a
 * local user needs no cloud SDK). A missing package is one line saying what to install.
 */
export function createStoreFileSystem(
  store: Exclude<TableStore, 'local'>,
  importer: StoreImporter = defaultImporter,
): DeltaFileSystem {
  const { packageName, exportName } = storePackages[store];
  let loading: Promise<DeltaFileSystem> | undefined;
  const load = (): Promise<DeltaFileSystem> => {
    loading ??= importer(packageName).then(
      (module) => {
        const factory = module[exportName];
        if (typeof factory !== 'function') {
          throw deltaError(
            'store-not-installed',
            `${packageName} has no ${exportName}(): install a version of ${packageName} that matches @drift-spark/source-delta.`,
          );
        }
        return (factory as () => DeltaFileSystem)();
      },
      (error: unknown) => {
        loading = undefined;
        const code = (error as { code?: unknown } | null)?.code;
        if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
          throw deltaError(
            'store-not-installed',
            `Reading a table on ${store === 's3' ? 'S3' : store === 'azure' ? 'Azure' : 'GCS'} needs ${packageName}, which is not installed: install it with "npm install ${packageName}".`,
            error,
          );
        }
        throw error;
      },
    );
    return loading;
  };
  return {
    list: async (directory, options) => (await load()).list(directory, options),
    read: async (target, options) => (await load()).read(target, options),
    stat: async (target, options) => (await load()).stat(target, options),
    isDirectory: async (target, options) => (await load()).isDirectory(target, options),
    resolve: resolveObjectPath,
    rangedReads: true,
  };
}
