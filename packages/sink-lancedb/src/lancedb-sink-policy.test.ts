import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftError } from '@drift-spark/core';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, describe, expect, it } from 'vitest';
import { createLancedbSink, createLancedbSinkFromUri, parseLancedbUri } from './index.js';
import { open, points } from './lancedb-test-points.js';

const folder = mkdtempSync(join(tmpdir(), 'drift-lancedb-policy-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function rawTable(table: string) {
  const db = await lancedb.connect(folder);
  return { db, table: await db.openTable(table) };
}

describe('LanceDB sink: URIs', () => {
  it('reads a folder, an object-store prefix, the table and the options', () => {
    expect(parseLancedbUri('lancedb://./.drift/lance?table=docs')).toEqual({
      path: './.drift/lance',
      table: 'docs',
    });
    expect(
      parseLancedbUri('lancedb://s3://bucket/prefix?table=docs&index=none&content=false'),
    ).toEqual({ path: 's3://bucket/prefix', table: 'docs', index: 'never', storeContent: false });
    expect(createLancedbSinkFromUri('lancedb:///data/lance/?table=docs').id).toBe(
      'lancedb:///data/lance?table=docs',
    );
  });

  it('refuses a URI without a folder, a bad table name or an unknown index mode', () => {
    const invalid = (error: unknown) => DriftError.hasCode(error, 'invalid-input');
    expect(() => parseLancedbUri('lancedb://?table=docs')).toThrow(/names no LanceDB folder/);
    expect(() => parseLancedbUri("lancedb://./x?table=x' or 1")).toThrowError(
      expect.toSatisfy(invalid),
    );
    expect(() => parseLancedbUri('lancedb://./x?index=hnsw')).toThrow(/index=auto/);
  });
});

describe('LanceDB sink: writes and index policy', () => {
  it('appends a first load, then overwrites by id: never two rows for one point', async () => {
    const sink = createLancedbSink({ path: folder, table: 'overwrite' });
    await sink.open(open);
    await sink.upsert(points(50));
    // The same ids again in the same process: the append path must switch to mergeInsert.
    await sink.upsert(points(10, 0, 99));
    await sink.close();
    const again = createLancedbSink({ path: folder, table: 'overwrite' });
    await again.open(open);
    await again.upsert(points(5, 45, 42).concat(points(5, 50)));
    expect(await again.count()).toBe(55);
    await again.delete([points(1, 3)[0]!.id]);
    await again.upsert(points(1, 3, 5));
    await again.close();
    const { db, table } = await rawTable('overwrite');
    const rows = await table.query().select(['id', 'key']).toArray();
    expect(rows).toHaveLength(55);
    expect(new Set(rows.map((row) => row.id)).size).toBe(55);
    table.close();
    db.close();
  });

  it('builds an IVF_HNSW_SQ index once a load passes the threshold, and still finds the exact point', async () => {
    const sink = createLancedbSink({ path: folder, table: 'indexed', indexThreshold: 600 });
    await sink.open(open);
    const written = points(700);
    for (let start = 0; start < written.length; start += 100)
      await sink.upsert(written.slice(start, start + 100));
    await sink.finalize();
    const { db, table } = await rawTable('indexed');
    const indices = await table.listIndices();
    expect(indices.map((index) => index.indexType).sort()).toEqual(['BTree', 'IvfHnswSq']);
    table.close();
    db.close();
    const target = written[321]!;
    const hits = await sink.search(target.vector, { k: 3 });
    expect(hits[0]!.id).toBe(target.id);
    expect(hits[0]!.score).toBeCloseTo(1, 3);
    // Written after the index: found too (LanceDB scans unindexed rows beside the index).
    const late = points(1, 5000, 3)[0]!;
    await sink.upsert([late]);
    expect((await sink.search(late.vector, { k: 1 }))[0]!.id).toBe(late.id);
    await sink.close();
  });

  it('compacts after a number of small writes, so a watch does not pile up fragments', async () => {
    const sink = createLancedbSink({ path: folder, table: 'compact', optimizeEvery: 5 });
    await sink.open(open);
    await sink.upsert(points(1));
    await sink.close();
    const again = createLancedbSink({ path: folder, table: 'compact', optimizeEvery: 5 });
    await again.open(open);
    for (let index = 1; index <= 10; index++) await again.upsert(points(1, index));
    await again.close();
    const { db, table } = await rawTable('compact');
    const stats = await table.stats();
    expect(stats.fragmentStats.numFragments).toBeLessThan(5);
    expect(await table.countRows()).toBe(11);
    table.close();
    db.close();
  });

  it('never stores the text when asked not to', async () => {
    const sink = createLancedbSink({ path: folder, table: 'no_content', storeContent: false });
    await sink.open(open);
    await sink.upsert(points(2));
    const read = await sink.retrieve(points(2).map((point) => point.id));
    expect(read.map((point) => point.payload.content)).toEqual([null, null]);
    await sink.close();
  });
});
