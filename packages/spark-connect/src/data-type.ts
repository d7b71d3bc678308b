import type { DataType } from './gen/spark/connect/types_pb.js';

/** A column of a Spark schema. `type` is Spark's simple type string (`bigint`, `string`, `array<int>`…). */
export interface SparkField {
  name: string;
  type: string;
  nullable: boolean;
}

/** Spark's simple type string for a DataType, as `DataType.simpleString` spells it. */
export function dataTypeName(type: DataType | undefined): string {
  const kind = type?.kind;
  if (kind === undefined || kind.case === undefined) return 'unknown';
  switch (kind.case) {
    case 'null':
      return 'void';
    case 'byte':
      return 'tinyint';
    case 'short':
      return 'smallint';
    case 'integer':
      return 'int';
    case 'long':
      return 'bigint';
    case 'decimal':
      return `decimal(${kind.value.precision ?? 10},${kind.value.scale ?? 0})`;
    case 'char':
      return `char(${kind.value.length})`;
    case 'varChar':
      return `varchar(${kind.value.length})`;
    case 'timestampNtz':
      return 'timestamp_ntz';
    case 'calendarInterval':
      return 'interval';
    case 'yearMonthInterval':
      return 'interval year to month';
    case 'dayTimeInterval':
      return 'interval day to second';
    case 'array':
      return `array<${dataTypeName(kind.value.elementType)}>`;
    case 'map':
      return `map<${dataTypeName(kind.value.keyType)},${dataTypeName(kind.value.valueType)}>`;
    case 'struct':
      return `struct<${kind.value.fields.map((field) => `${field.name}:${dataTypeName(field.dataType)}`).join(',')}>`;
    default:
      return kind.case.toLowerCase();
  }
}

/** The fields of a struct DataType (a query's schema); a non-struct becomes one field named `value`. */
export function structFields(type: DataType | undefined): SparkField[] {
  if (type?.kind.case === 'struct') {
    return type.kind.value.fields.map((field) => ({
      name: field.name,
      type: dataTypeName(field.dataType),
      nullable: field.nullable,
    }));
  }
  return [{ name: 'value', type: dataTypeName(type), nullable: true }];
}
