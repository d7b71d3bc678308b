import { describe, expect, it } from 'vitest';
import {
  columnExpression,
  deltaTypeName,
  parseTableReference,
  quoteString,
  tableChangesCall,
} from './spark-sql.js';

describe('parseTableReference', () => {
  it('quotes each part of catalog.schema.table', () => {
    expect(parseTableReference('main.sales.orders')).toMatchObject({
      kind: 'name',
      parts: ['main', 'sales', 'orders'],
      sql: '`main`.`sales`.`orders`',
    });
    expect(parseTableReference('orders').sql).toBe('`orders`');
  });

  it('keeps backticked parts, dots and doubled backticks inside them', () => {
    expect(parseTableReference('main.`my.schema`.`we``ird`')).toMatchObject({
      parts: ['main', 'my.schema', 'we`ird'],
      sql: '`main`.`my.schema`.`we``ird`',
    });
  });

  it('reads absolute paths and URLs as path tables', () => {
    expect(parseTableReference('/data/t')).toMatchObject({
      kind: 'path',
      path: '/data/t',
      sql: 'delta.`/data/t`',
    });
    expect(parseTableReference('s3://bucket/t`x')).toMatchObject({
      kind: 'path',
      sql: 'delta.`s3://bucket/t``x`',
    });
  });

  it.each(['', 'a.b.c.d', 'a..b', 'a.', 'a b', "t'; DROP TABLE x", '`open'])(
    'refuses %j with an invalid-input error',
    (text) => {
      expect(() => parseTableReference(text)).toThrow(
        expect.objectContaining({ code: 'invalid-input' }),
      );
    },
  );
});

describe('SQL text', () => {
  it('escapes string literals', () => {
    expect(quoteString("it's a \\ path")).toBe("'it\\'s a \\\\ path'");
  });

  it('calls table_changes for names and table_changes_by_path for paths, both ends inclusive', () => {
    expect(tableChangesCall(parseTableReference('main.s.t'), 2, 5)).toBe(
      "table_changes('`main`.`s`.`t`', 2, 5)",
    );
    expect(tableChangesCall(parseTableReference("/tmp/o'k"), 0, 1)).toBe(
      "table_changes_by_path('/tmp/o\\'k', 0, 1)",
    );
  });

  it('brings timestamps as microseconds, NTZ timestamps as text and decimals as doubles', () => {
    expect(columnExpression('ts', 'timestamp')).toBe('unix_micros(`ts`) AS `ts`');
    expect(columnExpression('n', 'timestamp_ntz')).toContain('date_format(`n`');
    expect(columnExpression('m', 'decimal(10,2)')).toBe('CAST(`m` AS DOUBLE) AS `m`');
    expect(columnExpression('we`ird', 'string')).toBe('`we``ird`');
  });

  it('spells types as the Delta schema does', () => {
    expect(deltaTypeName('bigint')).toBe('long');
    expect(deltaTypeName('map<int,array<smallint>>')).toBe('map<integer,array<short>>');
    expect(deltaTypeName('decimal(10,2)')).toBe('decimal(10,2)');
  });
});
