import type { Row } from '@drift-spark/core';
import type { ColumnPlan } from './column-decodes.js';
import type { ColumnValues } from './flat-values.js';

/** Builds the row at `offset` of a slice from its columns' values (undefined: a constant). */
export type RowBuilder = (columns: readonly (ColumnValues | undefined)[], offset: number) => Row;

/**
 * A row builder for one file's column plans. The row is one object literal compiled for
 * these column names, so every row of a file shares one hidden class with its properties
 * in the object: adding them one by one cost the 1M-row change feed ~5% of its CPU. The
 * rows are the same plain objects, same keys in the same order. Names that an object
 * literal would treat specially (`__proto__`) keep the generic loop.
 */
export function rowBuilder(plans: readonly ColumnPlan[]): RowBuilder {
  const constants = plans.map((plan) => plan.constant ?? null);
  if (plans.some((plan) => plan.name === '__proto__'))
    return (columns, offset) => {
      const row: Row = {};
      for (let index = 0; index < plans.length; index++) {
        const values = columns[index];
        row[plans[index]!.name] = values === undefined ? constants[index]! : values.get(offset);
      }
      return row;
    };
  const names = plans.map((plan) => plan.name);
  const key = JSON.stringify(names);
  let build = compiled.get(key);
  if (build === undefined) {
    const fields = names.map(
      (name, index) =>
        `${JSON.stringify(name)}: columns[${index}] === undefined ? constants[${index}] : columns[${index}].get(offset)`,
    );
    build = new Function(
      'constants',
      `return (columns, offset) => ({ ${fields.join(', ')} });`,
    ) as (constants: unknown[]) => RowBuilder;
    if (compiled.size >= compiledLimit) compiled.clear();
    compiled.set(key, build);
  }
  return build(constants);
}

/**
 * The compiled builders by column names. One per name list, not per file: the builders
 * of every file then share one function literal, so V8 optimizes it once (a builder
 * compiled per file was optimized anew in every file of a change feed).
 */
const compiled = new Map<string, (constants: unknown[]) => RowBuilder>();
const compiledLimit = 64;
