import type { CellValue, Row } from '@drift-spark/core';
import type { ColumnPlan } from './column-decodes.js';
import type { ColumnValues } from './flat-values.js';

/** Builds the row at `offset` of a slice from its columns' values (undefined: a constant). */
export type RowBuild = (
  columns: readonly (ColumnValues | undefined)[],
  offset: number,
  constants: readonly CellValue[],
) => Row;

/** How one file's rows are built: a compiled builder and the file's constants. */
export interface RowBuilder {
  /** Shared by every file with the same column names, so V8 optimizes it once. */
  build: RowBuild;
  /** The values of partition and missing columns in this file, by plan index. */
  constants: readonly CellValue[];
}

/**
 * A row builder for one file's column plans. The row is one object literal compiled for
 * these column names, so every row of a file shares one hidden class with its properties
 * in the object: adding them one by one cost the 1M-row change feed ~5% of its CPU. The
 * rows are the same plain objects, same keys in the same order. Names that an object
 * literal would treat specially (`__proto__`) keep the generic loop.
 */
export function rowBuilder(
  plans: readonly ColumnPlan[],
  /** Only these columns get their values; the others are null, never decoded (all when absent). */
  kept?: ReadonlySet<string>,
): RowBuilder {
  const names = plans.map((plan) => plan.name);
  const keeps = names.map((name) => kept === undefined || kept.has(name));
  const constants = plans.map((plan, index) => (keeps[index] ? (plan.constant ?? null) : null));
  if (names.includes('__proto__'))
    return {
      constants,
      build: (columns, offset, values) => {
        const row: Row = {};
        for (let index = 0; index < names.length; index++) {
          const column = keeps[index] ? columns[index] : undefined;
          row[names[index]!] = column === undefined ? values[index]! : column.get(offset);
        }
        return row;
      },
    };
  const key = JSON.stringify([names, keeps]);
  let build = compiled.get(key);
  if (build === undefined) {
    const fields = names.map((name, index) =>
      keeps[index]
        ? `${JSON.stringify(name)}: columns[${index}] === undefined ? constants[${index}] : columns[${index}].get(offset)`
        : `${JSON.stringify(name)}: null`,
    );
    build = new Function(
      'columns',
      'offset',
      'constants',
      `return { ${fields.join(', ')} };`,
    ) as RowBuild;
    if (compiled.size >= compiledLimit) compiled.clear();
    compiled.set(key, build);
  }
  return { build, constants };
}

/**
 * The compiled builders by column names. One function per name list, not per file, the
 * file's constants passed in: a builder compiled (or a closure made) per file was
 * optimized anew in every file of a change feed, and deoptimized its caller.
 */
const compiled = new Map<string, RowBuild>();
const compiledLimit = 64;
