/**
 * The narrow file access the Delta reader needs. The reader never touches `fs` directly,
 * so an object store (S3, ABFS, GCS) is one more implementation of this interface.
 *
 * Paths are the implementation's own strings: the reader only joins them with `/`.
 * A missing file or directory is reported by throwing a `SourceError` with reason
 * `file-missing` (from `read`/`stat`) or by returning `undefined`/`[]` as documented.
 */
export interface DeltaFileInfo {
  /** Full path, usable with `read` and `stat`. */
  path: string;
  /** The last path segment. */
  name: string;
  size: number;
  /** Milliseconds since the epoch. */
  modificationTime: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, exclusive. */
  end: number;
}

export interface DeltaFileSystemCallOptions {
  signal?: AbortSignal;
}

export interface DeltaFileSystem {
  /**
   * Files directly inside `directory` (not recursive, no sub-directories). `undefined` when
   * the directory does not exist. `startAfter` is a hint an object store uses to skip the
   * names that sort before it (S3's StartAfter); a file system may ignore it.
   */
  list(
    directory: string,
    options?: DeltaFileSystemCallOptions & { startAfter?: string },
  ): Promise<DeltaFileInfo[] | undefined>;
  /** The bytes of `path`, or of `range` within it. Throws `SourceError('file-missing')` when the file does not exist. */
  read(
    path: string,
    options?: DeltaFileSystemCallOptions & { range?: ByteRange },
  ): Promise<Uint8Array>;
  /** Size and time of `path`; `undefined` when it does not exist. */
  stat(path: string, options?: DeltaFileSystemCallOptions): Promise<DeltaFileInfo | undefined>;
  /** Whether `path` exists as a directory (or prefix holding files, for object stores). */
  isDirectory(path: string, options?: DeltaFileSystemCallOptions): Promise<boolean>;
  /** Joins a table-relative path (already URI-decoded) or an absolute URI to the table root. */
  resolve(root: string, relative: string): string;
  /**
   * True where every request costs a round trip (object stores): Parquet files are then
   * read footer first, then only the column chunks a scan needs, ahead of the reader and
   * never whole. A local file system leaves it unset.
   */
  readonly rangedReads?: boolean;
}
