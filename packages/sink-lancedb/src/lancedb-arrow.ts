import type { Point, StoredPoint } from '@drift-spark/core';
import { assertStorablePoint, toPointPayload } from '@drift-spark/core/internal';
import {
  Field,
  FixedSizeList,
  Float32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

/** The vector column: LanceDB's default name, so `table.search(vector)` finds it unasked. */
export const VECTOR_COLUMN = 'vector';
/** The payload columns of the public contract (metadata is JSON text: Lance has no JSON type). */
export const PAYLOAD_COLUMNS = [
  'id',
  'key',
  'source',
  'content',
  'content_hash',
  'model',
  'run_id',
  'metadata',
] as const;
const NULLABLE = new Set(['content', 'run_id', 'metadata']);

/** Schema metadata keys that say which model and size a Drift table holds. */
export const MODEL_KEY = 'drift_model';
export const DIMENSIONS_KEY = 'drift_dimensions';

export function driftSchema(dimensions: number, model: string): Schema {
  const fields = [
    ...PAYLOAD_COLUMNS.map((name) => new Field(name, new Utf8(), NULLABLE.has(name))),
    new Field('updated_at', new TimestampMillisecond('UTC'), false),
    new Field(
      VECTOR_COLUMN,
      new FixedSizeList(dimensions, new Field('item', new Float32(), true)),
      false,
    ),
  ];
  return new Schema(
    fields,
    new Map([
      [MODEL_KEY, model],
      [DIMENSIONS_KEY, String(dimensions)],
    ]),
  );
}

/**
 * One Arrow table of points, columnar: the vectors are copied once into one contiguous
 * Float32Array that becomes the FixedSizeList's child buffer (no per-row array or object).
 */
export function pointsToArrow(
  points: readonly Point[],
  schema: Schema,
  dimensions: number,
  storeContent: boolean,
): Table {
  const length = points.length;
  const values = new Float32Array(length * dimensions);
  const columns: Record<(typeof PAYLOAD_COLUMNS)[number], (string | null)[]> = {
    id: new Array(length),
    key: new Array(length),
    source: new Array(length),
    content: new Array(length),
    content_hash: new Array(length),
    model: new Array(length),
    run_id: new Array(length),
    metadata: new Array(length),
  };
  for (let row = 0; row < length; row++) {
    const point = points[row] as Point;
    assertStorablePoint(point, dimensions, 'the table');
    values.set(point.vector, row * dimensions);
    const payload = point.payload;
    columns.id[row] = point.id.toLowerCase();
    columns.key[row] = payload.key;
    columns.source[row] = payload.source;
    columns.content[row] = storeContent ? (payload.content ?? null) : null;
    columns.content_hash[row] = payload.content_hash;
    columns.model[row] = payload.model;
    columns.run_id[row] = payload.run_id ?? null;
    columns.metadata[row] = payload.metadata == null ? null : JSON.stringify(payload.metadata);
  }
  const now = BigInt(Date.now());
  const vectorType = schema.fields.find((field) => field.name === VECTOR_COLUMN)!.type;
  const children = [
    ...PAYLOAD_COLUMNS.map((name) => vectorFromArray(columns[name], new Utf8()).data[0]!),
    makeData({
      type: new TimestampMillisecond('UTC'),
      length,
      nullCount: 0,
      data: new BigInt64Array(length).fill(now),
    }),
    makeData({
      type: vectorType as FixedSizeList<Float32>,
      length,
      nullCount: 0,
      child: makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values }),
    }),
  ];
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}

type Row = Record<string, unknown>;

/** The points of an Arrow table read back (the vector column only when it was selected). */
export function arrowToPoints(table: Table | RecordBatch): StoredPoint[] {
  const ids = table.getChild('id');
  const vectors = table.getChild(VECTOR_COLUMN);
  const points: StoredPoint[] = new Array(table.numRows);
  const columns = PAYLOAD_COLUMNS.map((name) => [name, table.getChild(name)] as const);
  for (let row = 0; row < table.numRows; row++) {
    const values: Row = {};
    for (const [name, column] of columns) values[name] = column?.get(row) ?? null;
    const point: StoredPoint = { id: String(ids?.get(row)), payload: toPointPayload(values) };
    if (vectors) {
      const value = vectors.get(row) as { toArray(): Float32Array } | null;
      if (value) point.vector = Float32Array.from(value.toArray());
    }
    points[row] = point;
  }
  return points;
}
