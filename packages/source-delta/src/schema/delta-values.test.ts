import { describe, expect, test } from 'vitest';
import { decodePath } from '../log/delta-snapshot.js';
import {
  containsMap,
  converterFor,
  exactParsers,
  lazyStringParsers,
  parsePartitionValue,
  parseTimestampMicros,
} from './delta-values.js';

describe('canonical values', () => {
  test('strings decode from a view into a larger page as TextDecoder does, invalid bytes as U+FFFD', () => {
    const page = Uint8Array.from([0, 0x64, 0xc3, 0xa9, 0xf0, 0x9f, 0x8c, 0x8a, 0xff, 0x61, 9]);
    const value = page.subarray(1, 10);
    expect(exactParsers.stringFromBytes(value)).toBe(new TextDecoder().decode(value));
    expect(exactParsers.stringFromBytes(value)).toBe('dé🌊\ufffda');
    expect(exactParsers.stringFromBytes(page.subarray(3, 3))).toBe('');
    expect(exactParsers.stringFromBytes(undefined)).toBeUndefined();
  });

  test('a string column takes bytes left undecoded (lazyStringParsers) or strings, nested too', () => {
    const bytes = new TextEncoder().encode('dé');
    expect(lazyStringParsers.stringFromBytes(bytes)).toBe(bytes);
    expect(converterFor('string', 'none')!(bytes)).toBe('dé');
    expect(converterFor('string', 'none')!('dé')).toBe('dé');
    expect(converterFor('string', 'none')!(undefined)).toBeNull();
    const nested = converterFor(
      {
        type: 'struct',
        fields: [
          {
            name: 'tags',
            type: { type: 'array', elementType: 'string', containsNull: true },
            nullable: true,
            metadata: {},
          },
        ],
      },
      'none',
    )!;
    expect(nested({ tags: [bytes, null] })).toEqual({ tags: ['dé', null] });
    expect(containsMap('string')).toBe(false);
    expect(
      containsMap({
        type: 'array',
        elementType: { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true },
        containsNull: true,
      }),
    ).toBe(true);
  });

  test('timestamps keep microseconds exactly', () => {
    const micros = exactParsers.timestampFromMicroseconds(1_373_043_660_123_456n);
    expect(converterFor('timestamp', 'none')!(micros)).toBe('2013-07-05T17:01:00.123456Z');
    expect(converterFor('timestamp_ntz', 'none')!(micros)).toBe('2013-07-05T17:01:00.123456');
    expect(
      converterFor('timestamp', 'none')!(
        exactParsers.timestampFromNanoseconds(1_373_043_660_123_456_789n),
      ),
    ).toBe('2013-07-05T17:01:00.123456Z');
    expect(
      converterFor('timestamp', 'none')!(
        exactParsers.timestampFromMilliseconds(1_373_043_660_123n),
      ),
    ).toBe('2013-07-05T17:01:00.123000Z');
    expect(converterFor('timestamp', 'none')!(exactParsers.timestampFromNanoseconds(-1n))).toBe(
      '1969-12-31T23:59:59.999999Z',
    );
  });

  test('dates as YYYY-MM-DD', () => {
    expect(exactParsers.dateFromDays(19713)).toBe('2023-12-22');
  });

  test('values of files older than a type widening take the wider form', () => {
    // int → long: INT32 values become bigints, INT64 ones stay
    expect(converterFor('long', 'none')!(7)).toBe(7n);
    expect(converterFor('long', 'none')!(-2_147_483_648)).toBe(-2_147_483_648n);
    expect(converterFor('long', 'none')!(3_000_000_000n)).toBe(3_000_000_000n);
    expect(converterFor('long', 'none')!(null)).toBeNull();
    // date → timestamp_ntz: midnight of the day
    const day = exactParsers.dateFromDays(-1);
    expect(converterFor('timestamp_ntz', 'none')!(day)).toBe('1969-12-31T00:00:00.000000');
  });

  test('partition values typed per schema', () => {
    expect(parsePartitionValue('2013-07-05 17:01:00.123456', 'timestamp_ntz')).toBe(
      '2013-07-05T17:01:00.123456',
    );
    expect(parsePartitionValue('2013-07-05T17:01:00.123456Z', 'timestamp')).toBe(
      '2013-07-05T17:01:00.123456Z',
    );
    expect(parsePartitionValue('2013-07-05T19:01:00+02:00', 'timestamp')).toBe(
      '2013-07-05T17:01:00.000000Z',
    );
    expect(parsePartitionValue('99999999999999999', 'long')).toBe(99999999999999999n);
    expect(parsePartitionValue('12', 'integer')).toBe(12);
    expect(parsePartitionValue('true', 'boolean')).toBe(true);
    expect(parsePartitionValue('2023-12-22', 'date')).toBe('2023-12-22');
    expect(parsePartitionValue(null, 'string')).toBe(null);
    expect(parsePartitionValue('', 'string')).toBe(null);
    expect(parseTimestampMicros('1970-01-01 00:00:00.000001')).toBe(1n);
  });

  test('structs come back under logical field names (column mapping)', () => {
    const convert = converterFor(
      {
        type: 'struct',
        fields: [
          {
            name: 'when',
            type: 'timestamp',
            nullable: true,
            metadata: { 'delta.columnMapping.physicalName': 'col-1' },
          },
        ],
      },
      'name',
    )!;
    expect(convert({ 'col-1': 1n })).toEqual({ when: '1970-01-01T00:00:00.000001Z' });
    expect(convert(null)).toBe(null);
  });

  test('log paths are URI-decoded exactly once', () => {
    expect(decodePath('test%25file%25prefix-part-0.parquet')).toBe(
      'test%file%prefix-part-0.parquet',
    );
    expect(decodePath('tsNtzPartition=2013-07-05%2017%253A01%253A00.123456/a.parquet')).toBe(
      'tsNtzPartition=2013-07-05 17%3A01%3A00.123456/a.parquet',
    );
  });
});
