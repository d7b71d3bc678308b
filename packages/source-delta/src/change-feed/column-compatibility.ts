import { deltaError } from '../delta-errors.js';
import { type DeltaColumn, type DeltaSchema, typeName } from '../schema/delta-schema.js';

/**
 * Refuses a change range whose files the end schema's columns cannot read as they were
 * written. The range is read with the schema at its end (as Spark's batch Change Data Feed
 * does); an earlier schema of the range (`schema`, in effect at `version`) is compatible when
 * every read column is, in it, either absent (added later: older files give null) or the same
 * column — found by its physical name (or field id), with the same type and the same
 * partitioning. So an added column or a rename under column mapping reads through; a type
 * change, or a column dropped and re-created by overwriting the schema, stops the read.
 */
export function assertColumnsReadable(
  columns: readonly DeltaColumn[],
  schema: DeltaSchema,
  version: number,
  range: { fromVersion: number; toVersion: number },
): void {
  for (const column of columns) {
    const earlier = schema.columns.find((candidate) => sameColumn(candidate, column));
    if (!earlier) {
      if (schema.byName.has(column.name))
        throw changed(column, version, range, 'is another column');
      continue;
    }
    if (typeName(earlier.type) !== typeName(column.type))
      throw changed(
        column,
        version,
        range,
        `has type ${typeName(earlier.type)} (${typeName(column.type)} at version ${range.toVersion})`,
      );
    if (earlier.isPartition !== column.isPartition)
      throw changed(column, version, range, 'is partitioned differently');
  }
}

function sameColumn(candidate: DeltaColumn, column: DeltaColumn): boolean {
  if (candidate.fieldId !== undefined && column.fieldId !== undefined)
    return candidate.fieldId === column.fieldId && candidate.physicalName === column.physicalName;
  return candidate.physicalName === column.physicalName;
}

function changed(
  column: DeltaColumn,
  version: number,
  range: { fromVersion: number; toVersion: number },
  how: string,
): Error {
  return deltaError(
    'schema-changed',
    `The column "${column.name}" at version ${version} ${how}: the table's schema changed in a way the files of the change range ${range.fromVersion}..${range.toVersion} cannot be read through. Rebuild from a snapshot of version ${range.toVersion} (a recovery) and read changes after it.`,
  );
}
