import type { CellValue } from '@drift-spark/core';
import type { SchemaElement } from 'hyparquet';
import type { DeltaColumn } from '../schema/delta-schema.js';
import { utf8String, type ValueConverter } from '../schema/delta-values.js';
import type { ColumnDecode } from './column-values.js';
import { flatKindOf } from './flat-values.js';

/** Where a Delta column's values come from in one data file. */
export interface ColumnPlan {
  name: string;
  kind: 'partition' | 'data' | 'missing';
  constant?: CellValue;
  parquetName?: string;
  convert?: ValueConverter | undefined;
}

/**
 * How each Parquet column read from a file is decoded: the flat decoder where the column is
 * top-level and of a plain kind, else hyparquet plus the column's converter. The tag column
 * (`_change_type`) is a string.
 */
export function columnDecodes(
  parquetColumns: readonly string[],
  plans: readonly ColumnPlan[],
  columns: readonly DeltaColumn[],
  topLevel: readonly SchemaElement[],
  tagColumn: string | undefined,
): ColumnDecode[] {
  return parquetColumns.map((name) => {
    const element = topLevel.find((each) => each.name === name)!;
    const index = plans.findIndex((plan) => plan.kind === 'data' && plan.parquetName === name);
    const type = index >= 0 ? columns[index]!.type : 'string';
    const convert =
      index >= 0 ? plans[index]!.convert : (value: unknown) => utf8String(value) as CellValue;
    const kind = name === tagColumn || index >= 0 ? flatKindOf(element, type) : undefined;
    const nullable = element.repetition_type !== 'REQUIRED';
    return kind === undefined ? { name, convert } : { name, convert, flat: { kind, nullable } };
  });
}
