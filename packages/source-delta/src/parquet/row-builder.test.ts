import { describe, expect, it } from 'vitest';
import type { ColumnPlan } from './column-decodes.js';
import type { ColumnValues } from './flat-values.js';
import { rowBuilder as compiledRowBuilder } from './row-builder.js';

/** A file's builder as a function of (columns, offset), the way the reader calls it. */
const rowBuilder = (plans: ColumnPlan[]) => {
  const { build, constants } = compiledRowBuilder(plans);
  return (columns: (ColumnValues | undefined)[], offset: number) =>
    build(columns, offset, constants);
};

const valuesOf = (values: unknown[]): ColumnValues =>
  ({ get: (index: number) => values[index] ?? null }) as ColumnValues;

describe('rowBuilder', () => {
  it('builds plain rows: data columns by offset, constants for partition and missing columns, in plan order', () => {
    const plans: ColumnPlan[] = [
      { name: 'id', kind: 'data', parquetName: 'id' },
      { name: 'day', kind: 'partition', constant: '2026-11-30' },
      { name: 'gone', kind: 'missing', constant: null },
      { name: 'a "quoted" \\ name', kind: 'data', parquetName: 'q' },
    ];
    const build = rowBuilder(plans);
    const columns = [valuesOf([1n, 2n]), undefined, undefined, valuesOf(['x', null])];
    const row = build(columns, 1);
    expect(row).toEqual({ id: 2n, day: '2026-11-30', gone: null, 'a "quoted" \\ name': null });
    expect(Object.keys(row)).toEqual(plans.map((plan) => plan.name));
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('gives each file its own partition values when files share column names (and a compiled builder)', () => {
    const plansOf = (day: string): ColumnPlan[] => [
      { name: 'id', kind: 'data', parquetName: 'id' },
      { name: 'day', kind: 'partition', constant: day },
    ];
    const monday = rowBuilder(plansOf('monday'));
    const tuesday = rowBuilder(plansOf('tuesday'));
    const columns = [valuesOf([1, 2]), undefined];
    expect(monday(columns, 0)).toEqual({ id: 1, day: 'monday' });
    expect(tuesday(columns, 1)).toEqual({ id: 2, day: 'tuesday' });
    expect(monday(columns, 1)).toEqual({ id: 2, day: 'monday' });
    // one compiled function for both files: V8 optimizes it once, not per file
    expect(compiledRowBuilder(plansOf('monday')).build).toBe(
      compiledRowBuilder(plansOf('tuesday')).build,
    );
  });

  it('builds only the kept columns, the others null and never read, with the same keys', () => {
    const plans: ColumnPlan[] = [
      { name: 'id', kind: 'data', parquetName: 'id' },
      { name: 'region', kind: 'partition', constant: 'eu' },
      { name: 'body', kind: 'data', parquetName: 'body' },
    ];
    const body = {
      get: () => {
        throw new Error('a column left out was read');
      },
    } as unknown as ColumnValues;
    const { build, constants } = compiledRowBuilder(plans, new Set(['id', 'region']));
    const row = build([valuesOf([1n]), undefined, body], 0, constants);
    expect(row).toEqual({ id: 1n, region: 'eu', body: null });
    expect(Object.keys(row)).toEqual(['id', 'region', 'body']);
    const { build: keyOnly, constants: none } = compiledRowBuilder(plans, new Set(['body']));
    expect(keyOnly([valuesOf([1n]), undefined, valuesOf(['text'])], 0, none)).toEqual({
      id: null,
      region: null,
      body: 'text',
    });
  });

  it('keeps the generic path for a column named __proto__ (an object literal would set the prototype)', () => {
    const build = rowBuilder([
      { name: 'id', kind: 'data', parquetName: 'id' },
      { name: '__proto__', kind: 'partition', constant: 'p' },
    ]);
    const row = build([valuesOf([7]), undefined], 0);
    expect(row.id).toBe(7);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});
