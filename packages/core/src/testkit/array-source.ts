import { AbortedError, InvalidInputError, SourceError } from '../errors/errors.js';
import { encodeKey } from '../identity/key-encoding.js';
import type {
  Change,
  ChangeBatch,
  ColumnInfo,
  Row,
  RowBatch,
  SourceChangesOptions,
  SourceScanOptions,
  SourceV1,
} from '../spec/source-v1.js';

export interface ArraySourceOptions {
  id: string;
  /** Column names (typed `string`, nullable) or full column descriptions. */
  columns: (string | ColumnInfo)[];
  /** The table at versions 0, 1, 2…: each the full set of rows at that version. */
  versions: Row[][];
  /** Key columns, to derive the change feed; default `['id']`. */
  keyColumns?: string[];
  /** Whether `changes()` exists; default true. */
  changeFeed?: boolean;
  /** Rows per batch when the caller gives no hint; default 100. */
  batchSize?: number;
}

export interface ArraySource extends SourceV1 {
  /** Adds a version holding `rows` and returns its number. */
  addVersion(rows: Row[]): number;
  /** Read calls so far (`scan` and `changes`), with their options. */
  readonly reads: {
    method: 'scan' | 'changes';
    columns: string[];
    version?: number;
    fromVersion?: number;
    toVersion?: number;
  }[];
}

/** Commit time of version `v`: 2024-01-01 plus `v` minutes. */
const timestampOf = (version: number) => Date.UTC(2024, 0, 1) + version * 60_000;

/**
 * An in-memory versioned Source for tests: each version is a full snapshot, and the
 * change feed between two versions is derived by key (insert, update pre/post-image,
 * delete), like a Delta table with Change Data Feed on.
 */
export function createArraySource(options: ArraySourceOptions): ArraySource {
  const versions = options.versions.map((rows) => rows.map((row) => ({ ...row })));
  const keyColumns = options.keyColumns ?? ['id'];
  const columns: ColumnInfo[] = options.columns.map((column) =>
    typeof column === 'string' ? { name: column, type: 'string', nullable: true } : column,
  );
  const names = new Set(columns.map((column) => column.name));
  const reads: ArraySource['reads'] = [];
  const latest = () => versions.length - 1;

  const project = (row: Row, wanted: string[]): Row => {
    const projected: Row = {};
    for (const name of wanted) projected[name] = row[name] ?? null;
    return projected;
  };
  const checkColumns = (wanted: string[]) => {
    for (const name of wanted) {
      if (!names.has(name)) {
        throw new InvalidInputError(
          `The source ${options.id} has no column "${name}"; it has ${[...names].join(', ')}.`,
        );
      }
    }
  };
  const checkVersion = (version: number) => {
    if (!Number.isInteger(version) || version < 0 || version > latest()) {
      throw new SourceError(
        'version-not-found',
        `The source ${options.id} has versions 0 to ${latest()}, not ${version}.`,
      );
    }
  };
  const changesOf = (version: number): Change[] => {
    const before = new Map(
      (version > 0 ? versions[version - 1]! : []).map((row) => [encodeKey(row, keyColumns), row]),
    );
    const after = new Map(versions[version]!.map((row) => [encodeKey(row, keyColumns), row]));
    const commit = { commitVersion: version, commitTimestamp: timestampOf(version) };
    const changes: Change[] = [];
    for (const [key, row] of before) {
      const next = after.get(key);
      if (!next) changes.push({ type: 'delete', row, ...commit });
      else if (!sameRow(row, next)) {
        changes.push(
          { type: 'update_preimage', row, ...commit },
          { type: 'update_postimage', row: next, ...commit },
        );
      }
    }
    for (const [key, row] of after)
      if (!before.has(key)) changes.push({ type: 'insert', row, ...commit });
    return changes;
  };

  const source: ArraySource = {
    specificationVersion: 'v1',
    id: options.id,
    reads,
    addVersion(rows) {
      versions.push(rows.map((row) => ({ ...row })));
      return latest();
    },
    async describe(describeOptions) {
      if (describeOptions?.signal?.aborted) throw new AbortedError();
      const description = {
        id: options.id,
        columns: columns.map((column) => ({ ...column })),
        changeFeed: options.changeFeed ?? true,
      };
      return versions.length > 0 ? { ...description, latestVersion: latest() } : description;
    },
    async *scan(scanOptions: SourceScanOptions): AsyncIterable<RowBatch> {
      reads.push({
        method: 'scan',
        columns: [...scanOptions.columns],
        ...(scanOptions.version === undefined ? {} : { version: scanOptions.version }),
      });
      checkColumns(scanOptions.columns);
      const version = scanOptions.version ?? latest();
      checkVersion(version);
      const rows = versions[version]!;
      const size = Math.max(1, scanOptions.batchSize ?? options.batchSize ?? 100);
      for (let start = 0; start < rows.length; start += size) {
        if (scanOptions.signal?.aborted) throw new AbortedError();
        yield {
          rows: rows.slice(start, start + size).map((row) => project(row, scanOptions.columns)),
          version,
        };
      }
    },
  };
  if (options.changeFeed ?? true) {
    source.changes = async function* (
      changesOptions: SourceChangesOptions,
    ): AsyncIterable<ChangeBatch> {
      reads.push({
        method: 'changes',
        columns: [...changesOptions.columns],
        fromVersion: changesOptions.fromVersion,
        ...(changesOptions.toVersion === undefined ? {} : { toVersion: changesOptions.toVersion }),
      });
      checkColumns(changesOptions.columns);
      const to = changesOptions.toVersion ?? latest();
      checkVersion(to);
      if (changesOptions.fromVersion < 0) checkVersion(changesOptions.fromVersion);
      const size = Math.max(1, changesOptions.batchSize ?? options.batchSize ?? 100);
      let batch: Change[] = [];
      for (let version = changesOptions.fromVersion; version <= to; version++) {
        for (const change of changesOf(version)) {
          if (changesOptions.signal?.aborted) throw new AbortedError();
          batch.push({ ...change, row: project(change.row, changesOptions.columns) });
          if (batch.length >= size) {
            yield { changes: batch };
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield { changes: batch };
    };
  }
  return source;
}

function sameRow(a: Row, b: Row): boolean {
  return canonical(a) === canonical(b);
}

function canonical(row: Row): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return Array.from(value);
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      return Object.fromEntries(
        Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return value;
  });
}
