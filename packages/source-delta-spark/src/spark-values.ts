import type { CellValue } from '@drift-spark/core';
import { formatTimestampMicros } from '@drift-spark/core/internal';

/** A converter from the Arrow value of a projected column to the native reader's canonical form. */
export type SparkValueConverter = (value: unknown) => CellValue;

/**
 * Canonical values, the same as the native reader's (see `schema/delta-values.ts`):
 * long → bigint; int/short/byte/float/double → number; decimal → number (cast to double in
 * Spark); date → `YYYY-MM-DD`; timestamp → `…T…​.ffffffZ` exact to the microsecond (sent as
 * `unix_micros`); timestamp_ntz → wall-clock text (formatted in Spark); binary →
 * Uint8Array; structs, arrays and maps as plain values.
 */
export function sparkConverter(sparkType: string): SparkValueConverter {
  switch (sparkType) {
    case 'bigint':
      return (value) =>
        value === null || value === undefined
          ? null
          : typeof value === 'bigint'
            ? value
            : BigInt(value as number);
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'float':
    case 'double':
      return (value) =>
        value === null || value === undefined
          ? null
          : typeof value === 'bigint'
            ? Number(value)
            : (value as number);
    case 'timestamp':
      return (value) =>
        value === null || value === undefined
          ? null
          : formatTimestampMicros(BigInt(value as bigint));
    case 'date':
      return (value) =>
        value === null || value === undefined
          ? null
          : new Date(Number(value)).toISOString().slice(0, 10);
    default:
      if (sparkType.startsWith('decimal'))
        return (value) => (value === null || value === undefined ? null : Number(value));
      return (value) => (value === undefined ? null : (value as CellValue));
  }
}
