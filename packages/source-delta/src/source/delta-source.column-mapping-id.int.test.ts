import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPythonScript } from '../testing/python-writer.js';
import { createDeltaSource } from './delta-source.js';

/**
 * Column mapping `id` mode: columns are found by Parquet field id, whatever their names
 * in the file. The data file is written by pyarrow with field ids (as Spark does in id
 * mode) and names that match neither the logical nor the physical names; the log is
 * written here by hand.
 */
const writer = `
import sys
import pyarrow as pa, pyarrow.parquet as pq
schema = pa.schema([
    pa.field("renamed_long_ago", pa.int64(), metadata={b"PARQUET:field_id": b"1"}),
    pa.field("also_renamed", pa.string(), metadata={b"PARQUET:field_id": b"2"}),
])
pq.write_table(pa.table({"renamed_long_ago": [1, 2, 3], "also_renamed": ["a", "b", "c"]}, schema=schema), sys.argv[1])
`;

const field = (name: string, type: string, id: number, physical: string) => ({
  name,
  type,
  nullable: true,
  metadata: { 'delta.columnMapping.id': id, 'delta.columnMapping.physicalName': physical },
});

describe('column mapping id mode', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'drift-delta-id-'));
    mkdirSync(path.join(directory, '_delta_log'));
    runPythonScript(directory, writer, [path.join(directory, 'part-0.parquet')]);
    const size = statSync(path.join(directory, 'part-0.parquet')).size;
    const schemaString = JSON.stringify({
      type: 'struct',
      fields: [
        field('id', 'long', 1, 'col-1'),
        field('text', 'string', 2, 'col-2'),
        field('missing', 'string', 3, 'col-3'),
      ],
    });
    const actions = [
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      {
        metaData: {
          id: 'id-mode',
          format: { provider: 'parquet', options: {} },
          schemaString,
          partitionColumns: [],
          configuration: {
            'delta.columnMapping.mode': 'id',
            'delta.columnMapping.maxColumnId': '3',
          },
          createdTime: 0,
        },
      },
      {
        add: {
          path: 'part-0.parquet',
          partitionValues: {},
          size,
          modificationTime: 0,
          dataChange: true,
        },
      },
    ];
    writeFileSync(
      path.join(directory, '_delta_log', '00000000000000000000.json'),
      `${actions.map((action) => JSON.stringify(action)).join('\n')}\n`,
    );
  });

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test('columns resolve by field id; a column absent from the file is null', async () => {
    const source = createDeltaSource({ path: directory });
    const rows = [];
    for await (const batch of source.scan({ columns: ['text', 'id', 'missing'] }))
      rows.push(...batch.rows);
    expect(rows).toEqual([
      { text: 'a', id: 1n, missing: null },
      { text: 'b', id: 2n, missing: null },
      { text: 'c', id: 3n, missing: null },
    ]);
  });
});
