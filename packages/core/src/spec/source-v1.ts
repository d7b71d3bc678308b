/**
 * A Source is where rows come from: a Delta table (native or through Spark), or
 * anything a user writes. It yields bounded batches, never a whole table.
 */

/** A value as sources hand it over. 64-bit integers are `bigint`, never a lossy number. */
export type CellValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | Uint8Array
  | CellValue[]
  | { [field: string]: CellValue };

/** One row: column name → value, only the projected columns. */
export type Row = Record<string, CellValue>;

/** One column of a source, as `describe` reports it. */
export interface ColumnInfo {
  name: string;
  /** The source's own type name, e.g. `long`, `string`, `timestamp`. */
  type: string;
  nullable: boolean;
}

/** What `describe` reports: columns, latest version, whether a change feed exists. */
export interface SourceDescription {
  /** Same as `Source.id`. */
  id: string;
  columns: ColumnInfo[];
  /** Latest version of a versioned source (a Delta table version); undefined if unversioned. */
  latestVersion?: number;
  /** Whether `changes()` can be called (a Delta table with Change Data Feed on). */
  changeFeed: boolean;
  /**
   * Rows at `latestVersion`, when the source knows it without reading the data (Delta: the
   * `numRecords` of every live file's statistics); undefined when unknown. Progress only.
   */
  rowCount?: number;
}

/** Options of a full read (`scan`). */
export interface SourceScanOptions {
  /** Columns to project; the source reads only these. */
  columns: string[];
  /** Read the source as of this version (time travel); default the latest. */
  version?: number;
  /** A hint for the number of rows per batch. */
  batchSize?: number;
  signal?: AbortSignal;
}

/** A bounded batch of rows of a scan. */
export interface RowBatch {
  rows: Row[];
  /** The version the scan reads. */
  version?: number;
}

/** Options of a change-feed read (`changes`): a range of versions. */
export interface SourceChangesOptions {
  columns: string[];
  /** First version of the range, inclusive. */
  fromVersion: number;
  /** Last version of the range, inclusive; default the latest. */
  toVersion?: number;
  batchSize?: number;
  /**
   * Whether the reader needs `update_preimage` changes (default true). With false a source
   * may leave them out, sparing their decoding.
   */
  preimages?: boolean;
  /**
   * The columns the reader reads of an `update_preimage` (default: all of `columns`); a
   * source may set the others to null in pre-image rows, sparing their decoding. The engine
   * reads only the key columns: an update that changes a key column moves the row to
   * another key, and the pre-image names the key it left.
   */
  preimageColumns?: string[];
  signal?: AbortSignal;
}

/** Change types as the Delta Change Data Feed names them. */
export type ChangeType = 'insert' | 'update_preimage' | 'update_postimage' | 'delete';

/** One row change of the change feed. */
export interface Change {
  type: ChangeType;
  /** The projected columns of the changed row (post-image for inserts/updates, the deleted row for deletes). */
  row: Row;
  commitVersion: number;
  /** Commit time, ms since epoch (In-Commit Timestamp where enabled). */
  commitTimestamp: number;
}

/** A bounded batch of changes, in commit-version order. */
export interface ChangeBatch {
  changes: Change[];
}

/** The source contract (specification v1): where rows and their changes come from. */
export interface SourceV1 {
  readonly specificationVersion: 'v1';
  /**
   * Stable identity: for Delta the table's `metaData.id`, so a moved table or another engine agree.
   * A lazy source may only know it once `describe()` has resolved (it throws `PluginStateError`
   * before); the engine always calls `describe()` first.
   */
  readonly id: string;
  describe(options?: { signal?: AbortSignal }): Promise<SourceDescription>;
  scan(options: SourceScanOptions): AsyncIterable<RowBatch>;
  /**
   * Present on sources with a change feed. Changes come in commit-version order (ascending,
   * within a batch and across batches): the engine relies on it to bound memory.
   */
  changes?(options: SourceChangesOptions): AsyncIterable<ChangeBatch>;
  /**
   * Optional: when `version` was committed (ms since the epoch; In-Commit Timestamp where
   * enabled), or undefined when the source cannot tell. Freshness (lag) reads it.
   */
  commitTime?(version: number, options?: { signal?: AbortSignal }): Promise<number | undefined>;
  close?(): Promise<void>;
}

/** The current source contract. */
export type Source = SourceV1;
