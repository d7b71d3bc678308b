import { deltaError } from '../delta-errors.js';
import type { MetadataAction } from '../log/delta-actions.js';

/** A Delta data type as `schemaString` spells it. */
export type DeltaType =
  | string
  | { type: 'struct'; fields: DeltaField[] }
  | { type: 'array'; elementType: DeltaType; containsNull: boolean }
  | { type: 'map'; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };

export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export type ColumnMappingMode = 'none' | 'name' | 'id';

/** A top-level column with what is needed to find it in a data file. */
export interface DeltaColumn {
  /** The logical name users see. */
  name: string;
  type: DeltaType;
  nullable: boolean;
  /** The name in Parquet files, partition values and stats (the logical name without column mapping). */
  physicalName: string;
  /** The Parquet field id (column mapping `id` mode). */
  fieldId: number | undefined;
  isPartition: boolean;
  field: DeltaField;
}

export interface DeltaSchema {
  columns: DeltaColumn[];
  byName: Map<string, DeltaColumn>;
  mappingMode: ColumnMappingMode;
}

export function columnMappingMode(configuration: Record<string, string | null>): ColumnMappingMode {
  const mode = (configuration['delta.columnMapping.mode'] ?? 'none').toLowerCase();
  if (mode === 'none' || mode === 'name' || mode === 'id') return mode;
  throw deltaError(
    'unsupported-reader-feature',
    `The table uses column mapping mode "${mode}", which this reader does not know (it reads none, name and id). Upgrade @drift-spark/source-delta or read the table through Spark.`,
  );
}

/** The physical name of a field under `mode` (its logical name when there is no mapping). */
export function physicalNameOf(field: DeltaField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return typeof physical === 'string' ? physical : field.name;
}

export function fieldIdOf(field: DeltaField): number | undefined {
  const id = field.metadata['delta.columnMapping.id'];
  return typeof id === 'number' ? id : undefined;
}

export function parseSchema(
  schemaString: string,
  partitionColumns: readonly string[],
  configuration: Record<string, string | null>,
): DeltaSchema {
  let parsed: { fields?: DeltaField[] };
  try {
    parsed = JSON.parse(schemaString) as { fields?: DeltaField[] };
  } catch (error) {
    throw deltaError(
      'corrupt-log',
      `The table schema in metaData.schemaString is not valid JSON. The Delta log is damaged; check the table with its writer.`,
      error,
    );
  }
  const mappingMode = columnMappingMode(configuration);
  const partitions = new Set(partitionColumns);
  const columns: DeltaColumn[] = (parsed.fields ?? []).map((field) => ({
    name: field.name,
    type: field.type,
    nullable: field.nullable ?? true,
    physicalName: physicalNameOf(field, mappingMode),
    fieldId: mappingMode === 'id' ? fieldIdOf(field) : undefined,
    isPartition: partitions.has(field.name),
    field: { ...field, metadata: field.metadata ?? {} },
  }));
  return { columns, byName: new Map(columns.map((column) => [column.name, column])), mappingMode };
}

/** The schema a `metaData` action declares. */
export function schemaOf(metadata: MetadataAction): DeltaSchema {
  return parseSchema(
    metadata.schemaString,
    metadata.partitionColumns ?? [],
    metadata.configuration ?? {},
  );
}

/** `long`, `decimal(10,2)`, `array<string>`, `map<string,long>`, `struct<a:int,b:string>`. */
export function typeName(type: DeltaType): string {
  if (typeof type === 'string') return type;
  if (type.type === 'array') return `array<${typeName(type.elementType)}>`;
  if (type.type === 'map') return `map<${typeName(type.keyType)},${typeName(type.valueType)}>`;
  return `struct<${type.fields.map((field) => `${field.name}:${typeName(field.type)}`).join(',')}>`;
}

/**
 * Resolves the requested logical column names, refusing unknown ones with the list of
 * columns the table has.
 */
export function resolveColumns(
  schema: DeltaSchema,
  names: readonly string[] | undefined,
): DeltaColumn[] {
  if (!names) return schema.columns;
  return names.map((name) => {
    const column = schema.byName.get(name);
    if (!column) {
      throw deltaError(
        'column-not-found',
        `The table has no column "${name}". Its columns are: ${schema.columns.map((c) => c.name).join(', ')}. Check the column names you passed (names are case-sensitive).`,
      );
    }
    return column;
  });
}
