import { describe, expect, test } from 'vitest';
import { parseSchema } from '../schema/delta-schema.js';
import { assertColumnsReadable } from './column-compatibility.js';

type Field = { name: string; type: string; physical?: string; id?: number };

function schema(fields: Field[], options: { mapping?: string; partitions?: string[] } = {}) {
  const schemaString = JSON.stringify({
    type: 'struct',
    fields: fields.map((field) => ({
      name: field.name,
      type: field.type,
      nullable: true,
      metadata:
        field.physical === undefined
          ? {}
          : {
              'delta.columnMapping.physicalName': field.physical,
              'delta.columnMapping.id': field.id ?? 1,
            },
    })),
  });
  const configuration: Record<string, string> = options.mapping
    ? { 'delta.columnMapping.mode': options.mapping }
    : {};
  return parseSchema(schemaString, options.partitions ?? [], configuration);
}

const range = { fromVersion: 3, toVersion: 7 };
const base: Field[] = [
  { name: 'id', type: 'long' },
  { name: 'body', type: 'string' },
];

function check(
  end: ReturnType<typeof schema>,
  earlier: ReturnType<typeof schema>,
  names: string[],
) {
  const columns = names.map((name) => end.byName.get(name)!);
  return () => assertColumnsReadable(columns, earlier, 5, range);
}

describe('which schema changes a change range reads through', () => {
  test('columns added later (read or not) and columns not read', () => {
    const end = schema([...base, { name: 'lang', type: 'string' }, { name: 'n', type: 'integer' }]);
    expect(check(end, schema(base), ['id', 'body', 'lang'])).not.toThrow();
    // `n` had another type, but it is not read.
    const earlier = schema([...base, { name: 'n', type: 'string' }]);
    expect(check(end, earlier, ['id', 'body'])).not.toThrow();
  });

  test('a read column whose type changed, named with both types and versions', () => {
    const end = schema([{ name: 'id', type: 'string' }, base[1]!]);
    expect(check(end, schema(base), ['id', 'body'])).toThrow(
      /The column "id" at version 5 has type long \(string at version 7\).*change range 3\.\.7/,
    );
    expect(check(end, schema(base), ['body'])).not.toThrow();
  });

  test('under column mapping: a rename reads through, a column dropped and made again does not', () => {
    const mapped = (body: Field) =>
      schema([{ name: 'id', type: 'long', physical: 'col-a', id: 1 }, body], { mapping: 'name' });
    const end = mapped({ name: 'text', type: 'string', physical: 'col-b', id: 2 });
    const renamed = mapped({ name: 'body', type: 'string', physical: 'col-b', id: 2 });
    expect(check(end, renamed, ['id', 'text'])).not.toThrow();
    const remade = mapped({ name: 'text', type: 'string', physical: 'col-c', id: 3 });
    expect(check(end, remade, ['id', 'text'])).toThrow(/"text" at version 5 is another column/);
  });

  test('a read column partitioned at one end only', () => {
    const end = schema(base, { partitions: ['body'] });
    expect(check(end, schema(base), ['id', 'body'])).toThrow(/"body".*partitioned differently/);
  });
});
