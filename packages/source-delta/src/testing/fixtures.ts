import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Change, Row } from '@drift-spark/core';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import { createDeltaSource } from '../source/delta-source.js';

/** The repository root (three levels above this file: packages/source-delta/src/testing). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The Delta tables the tests read: written by scripts/fixtures/generate.sh, committed with the repository. */
export const fixturesRoot = path.join(repoRoot, 'packages/source-delta/fixtures');

/** The path of a fixture table; a name that leaves the fixtures folder is refused. */
export function fixture(name: string): string {
  const resolved = path.resolve(fixturesRoot, name);
  const relative = path.relative(fixturesRoot, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
    throw new Error(
      `fixture "${name}" is outside ${fixturesRoot}: tests read only tables inside the repository (scripts/fixtures/generate.sh writes them)`,
    );
  return resolved;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  return value;
}

/** A stable string for sorting and comparing rows (bigints marked with `n`). */
export function rowKey(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value) => plain(value));
}

export function sortRows<T extends Record<string, unknown>>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0));
}

export async function readSnapshot(
  table: string,
  options: { columns?: string[]; version?: number; batchSize?: number } = {},
  fileSystem?: DeltaFileSystem,
): Promise<Row[]> {
  const source = createDeltaSource({ path: table, fileSystem });
  const columns = options.columns ?? (await source.describe()).columns.map((column) => column.name);
  const rows: Row[] = [];
  for await (const batch of source.scan({
    columns,
    version: options.version,
    batchSize: options.batchSize,
  }))
    rows.push(...batch.rows);
  return rows;
}

export interface FlatChange extends Record<string, unknown> {
  _change_type: string;
  _commit_version: number;
  _commit_timestamp: string;
}

export async function readChanges(
  table: string,
  options: { fromVersion: number; toVersion?: number; columns?: string[]; batchSize?: number },
  fileSystem?: DeltaFileSystem,
): Promise<FlatChange[]> {
  const source = createDeltaSource({ path: table, fileSystem });
  const columns = options.columns ?? (await source.describe()).columns.map((column) => column.name);
  const changes: Change[] = [];
  for await (const batch of source.changes({ ...options, columns })) changes.push(...batch.changes);
  return changes.map((change) => ({
    ...change.row,
    _change_type: change.type,
    _commit_version: change.commitVersion,
    _commit_timestamp: new Date(change.commitTimestamp).toISOString(),
  }));
}
