import { describe, expect, it } from 'vitest';
import { createMemoryLedger } from '../memory/index.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createArraySource } from '../testkit/array-source.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { textOf } from './engine-items.js';
import { embed } from './engine-run.js';

import { assertColumns, isTextType } from './engine-validate.js';

const description = (type: string) => ({
  id: 'delta://t',
  columns: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'body', type, nullable: true },
  ],
  changeFeed: true,
});

const settings = { textColumn: 'body', keyColumns: ['id'], metadataColumns: undefined };
const checkBody = (type: string) => assertColumns(description(type), settings);

describe('text columns must hold text', () => {
  it('refuses a struct, list, map, binary, number, boolean, date or timestamp column, naming it and its type', () => {
    for (const type of [
      'struct<a:string,b:long>',
      'array<string>',
      'map<string,long>',
      'binary',
      'long',
      'integer',
      'decimal(10,2)',
      'double',
      'boolean',
      'date',
      'timestamp',
      'timestamp_ntz',
    ]) {
      expect(isTextType(type), type).toBe(false);
      expect(() => checkBody(type), type).toThrow(
        `The text column "body" of source "delta://t" is of type ${type}, not a string`,
      );
    }
  });

  it("accepts Delta's string and a custom source's own text type names", () => {
    for (const type of ['string', 'STRING', 'varchar(20)', 'char(3)', 'text', 'utf8'])
      expect(() => checkBody(type), type).not.toThrow();
  });

  it('refuses a structured or binary value at run time too, when a source declares it as text', () => {
    expect(() => textOf({ a: 'x' }, 'body')).toThrow(/"body" holds a struct value/);
    expect(() => textOf(['a', 'b'], 'body')).toThrow(/"body" holds an array value/);
    expect(() => textOf(new TextEncoder().encode('he'), 'body')).toThrow(/binary/);
    expect(textOf(42, 'body')).toBe('42');
    expect(textOf('  ', 'body')).toBeNull();
  });

  it('embed refuses the run before it writes anything', async () => {
    const source = createArraySource({
      id: 'array://structs',
      columns: ['id', { name: 'body', type: 'struct<a:string>', nullable: true }],
      versions: [[{ id: 1, body: { a: 'x' } }]],
    });
    const sink = createMemorySink();
    const ledger = createMemoryLedger();
    await expect(
      embed({ source, sink, ledger, embedder: createRecordingEmbedder(), textColumn: 'body' }),
    ).rejects.toThrow(/type struct<a:string>, not a string/);
    await sink.open({ dimensions: 8, distance: 'cosine', model: 'test/recording' });
    expect(await sink.count()).toBe(0);
    expect(await ledger.recentRuns()).toEqual([]);
  });
});
