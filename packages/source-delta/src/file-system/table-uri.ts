import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deltaError } from '../delta-errors.js';

/** Where a table's files live: which `DeltaFileSystem` reads them. */
export type TableStore = 'local' | 's3' | 'azure' | 'gcs';

export interface TableLocation {
  store: TableStore;
  /**
   * The table root as its file system takes it: an absolute local path, or the URI with
   * `s3a://` written `s3://` and no trailing slash.
   */
  root: string;
}

/** One object in a store, from a URI such as `s3://bucket/key` or `abfss://container@account.dfs.core.windows.net/key`. */
export interface ObjectLocation {
  store: Exclude<TableStore, 'local'>;
  /** The URI scheme as written (`s3`, `az`, `abfss`, `abfs`, `gs`; `s3a` becomes `s3`). */
  scheme: string;
  /** The S3 or GCS bucket, or the Azure container. */
  bucket: string;
  /** The Azure storage account when the URI names it (`abfss://container@account.dfs...`). */
  account?: string;
  /** The rest of the URI after the bucket, without a leading slash, not percent-decoded. */
  key: string;
}

const schemeStores: Readonly<Record<string, ObjectLocation['store']>> = {
  s3: 's3',
  s3a: 's3',
  az: 'azure',
  abfs: 'azure',
  abfss: 'azure',
  gs: 'gcs',
};

const uriPattern = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(?:\/(.*))?$/i;

const supported =
  'Drift reads Delta tables on local disk (a path or file://), S3 (s3://bucket/path, s3a://), Azure Blob / ADLS Gen2 (az://container/path, abfss://container@account.dfs.core.windows.net/path) and Google Cloud Storage (gs://bucket/path)';

/** True when `input` starts with `scheme://` (so it is not a local path). */
export function isUri(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/** Parses an object-store URI; `undefined` for a local path or a `file:` URI. */
export function parseObjectUri(uri: string): ObjectLocation | undefined {
  const match = uriPattern.exec(uri);
  if (!match) return undefined;
  const written = match[1]!.toLowerCase();
  if (written === 'file') return undefined;
  const store = schemeStores[written];
  if (!store) {
    throw deltaError(
      'table-not-found',
      `${uri}: ${written}:// is not a supported store. ${supported}.`,
    );
  }
  const authority = match[2]!;
  const key = (match[3] ?? '').replace(/\/+$/, '');
  let bucket = authority;
  let account: string | undefined;
  if (written === 'abfs' || written === 'abfss') {
    const at = authority.indexOf('@');
    if (at <= 0) {
      throw deltaError(
        'table-not-found',
        `${uri}: an ${written}:// URI names the container and the account, as ${written}://container@account.dfs.core.windows.net/path.`,
      );
    }
    bucket = authority.slice(0, at);
    account = authority.slice(at + 1).split('.')[0];
  }
  if (!bucket) {
    throw deltaError('table-not-found', `${uri} names no bucket or container. ${supported}.`);
  }
  return {
    store,
    scheme: written === 's3a' ? 's3' : written,
    bucket,
    ...(account ? { account } : {}),
    key,
  };
}

/** The URI of an object location, in the scheme it was written in (`s3a` as `s3`). */
export function formatObjectUri(location: ObjectLocation): string {
  const authority =
    location.scheme === 'abfs' || location.scheme === 'abfss'
      ? `${location.bucket}@${location.account}.dfs.core.windows.net`
      : location.bucket;
  return `${location.scheme}://${authority}${location.key ? `/${location.key}` : ''}`;
}

/**
 * Reads a table location as a user writes it: a local path (relative to `cwd`), a
 * `file://` URI, or an object-store URI. Throws a one-line error for an unknown scheme.
 */
export function parseTableUri(input: string, cwd: string = process.cwd()): TableLocation {
  const trimmed = input.trim();
  if (/^file:/i.test(trimmed)) {
    return { store: 'local', root: withoutTrailingSlash(fileURLToPath(trimmed)) };
  }
  const object = parseObjectUri(trimmed);
  if (object) return { store: object.store, root: formatObjectUri(object) };
  return { store: 'local', root: path.resolve(cwd, trimmed) };
}

/**
 * Joins a table-relative path (already URI-decoded) to an object-store root; an absolute
 * URI (a data file stored elsewhere, or a shallow clone's source) is returned as it is,
 * with `s3a://` written `s3://`.
 */
export function resolveObjectPath(root: string, relative: string): string {
  if (isUri(relative)) {
    const object = parseObjectUri(relative);
    return object ? formatObjectUri(object) : relative;
  }
  return `${root.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
}

function withoutTrailingSlash(value: string): string {
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}
