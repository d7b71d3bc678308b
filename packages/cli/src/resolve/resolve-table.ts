import { accessSync, constants, existsSync, type Stats, statSync } from 'node:fs';
import { basename, resolve as resolvePath } from 'node:path';
import type { Source } from '@drift-spark/core';
import { CliError, usageError } from '../errors/cli-error.js';
import { loadPluginFactory, type ModuleImporter } from '../plugins/load-plugin.js';
import {
  deltaSourcePlugin,
  sparkSourcePlugin,
  storeFileSystemPlugin,
  tableUriParser,
} from '../plugins/plugin-registry.js';

export interface TableTarget {
  /** `path` for the native reader, `catalog` for a `catalog.schema.table` name. */
  kind: 'path' | 'catalog';
  /** What the user typed. */
  input: string;
  /** An absolute path (kind `path`, local) or the name as typed. */
  location: string;
  /** A short name for the default sink: the folder name or the last part of the table name. */
  shortName: string;
}

const catalogName = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){1,2}$/;
const remoteUri = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Reads `--table`: a path to a Delta table, or a `catalog.schema.table` name for the Spark engine. */
export function parseTable(input: string, cwd: string): TableTarget {
  const trimmed = input.trim();
  if (trimmed === '')
    throw usageError(
      '--table is empty: pass the path to a Delta table, e.g. --table ./tickets (drift demo writes that example table).',
    );
  if (remoteUri.test(trimmed)) {
    const withoutSlash = trimmed.replace(/\/+$/, '');
    return { kind: 'path', input, location: withoutSlash, shortName: basename(withoutSlash) };
  }
  const absolute = resolvePath(cwd, trimmed);
  if (!existsSync(absolute) && catalogName.test(trimmed) && !trimmed.includes('/')) {
    const parts = trimmed.split('.');
    return { kind: 'catalog', input, location: trimmed, shortName: parts[parts.length - 1]! };
  }
  return { kind: 'path', input, location: absolute, shortName: basename(absolute) };
}

/** Checks a local path before handing it to the reader, so a typo is one clear line. */
export function checkLocalTable(target: TableTarget): void {
  if (target.kind !== 'path' || remoteUri.test(target.location)) return;
  const info = statOrPermissionError(target.location);
  if (!info) {
    throw usageError(
      `No table at ${target.input} (${target.location} does not exist): check --table; it takes the folder of a Delta table.`,
    );
  }
  if (!info.isDirectory()) {
    throw usageError(
      `${target.input} is a file, not a Delta table: pass the table's folder (the one holding _delta_log/).`,
    );
  }
  readableOrPermissionError(target.location);
  if (!statOrPermissionError(`${target.location}/_delta_log`)) {
    throw usageError(
      `${target.input} is not a Delta table (it has no _delta_log/ folder): pass the folder of a Delta table.`,
    );
  }
}

/** The stat of a path; undefined when it does not exist; a clear error when it may not be read. */
function statOrPermissionError(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw permissionError(error, path);
  }
}

function readableOrPermissionError(folder: string): void {
  try {
    accessSync(folder, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw permissionError(error, folder);
  }
}

function permissionError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EPERM') return error;
  return new CliError(
    `Permission denied (${code}) reading ${path}: give the user running drift read access to the table's folder and its files.`,
    { code: 'permission-denied', cause: error },
  );
}

export interface OpenSourceOptions {
  target: TableTarget;
  /** `--spark`, or SPARK_REMOTE for catalog names. */
  sparkRemote?: string;
  importer?: ModuleImporter;
}

export async function createSource({
  target,
  sparkRemote,
  importer,
}: OpenSourceOptions): Promise<Source> {
  if (sparkRemote) {
    // Its own package, so a user of the native reader installs no gRPC, Arrow or protobuf.
    const factory = await loadPluginFactory<(options: { table: string; remote: string }) => Source>(
      sparkSourcePlugin,
      'Reading a table through Spark',
      importer,
    );
    return factory({ table: target.location, remote: sparkRemote });
  }
  if (target.kind === 'catalog') {
    throw usageError(
      `"${target.input}" is a catalog table name, which needs the Spark engine: pass --spark sc://host:15002 (or set SPARK_REMOTE), or pass the path of the Delta table instead.`,
    );
  }
  checkLocalTable(target);
  const factory = await loadPluginFactory<
    (options: { uri: string; fileSystem?: unknown }) => Source
  >(deltaSourcePlugin, 'Reading a Delta table', importer);
  if (!remoteUri.test(target.location)) return factory({ uri: target.location });
  return factory({ uri: target.location, fileSystem: await storeFileSystem(target, importer) });
}

/**
 * The file system of the table's object store. Its package is imported from here, so it
 * resolves beside the CLI; a missing one is a one-line "install it" error from the reader.
 */
async function storeFileSystem(target: TableTarget, importer?: ModuleImporter): Promise<unknown> {
  const parse = await loadPluginFactory<(uri: string) => { store: string }>(
    tableUriParser,
    'Reading a Delta table',
    importer,
  );
  const createStoreFileSystem = await loadPluginFactory<
    (store: string, importer: ModuleImporter) => unknown
  >(storeFileSystemPlugin, 'Reading a Delta table', importer);
  let store: string;
  try {
    store = parse(target.location).store;
  } catch (error) {
    throw usageError(`--table ${(error as Error).message}`, error);
  }
  return createStoreFileSystem(store, importer ?? ((name) => import(name)));
}
