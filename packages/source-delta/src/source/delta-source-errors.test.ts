import { readdirSync } from 'node:fs';
import { DriftError } from '@drift-spark/core';
import { describe, expect, test } from 'vitest';
import { loadExpected } from '../testing/expected-results.js';
import { fixture, fixturesRoot, readChanges, readSnapshot } from '../testing/fixtures.js';
import { addsOf } from '../testing/log-actions.js';
import { createOverlayFileSystem } from '../testing/overlay-file-system.js';
import { createDeltaSource, openDeltaSource } from './delta-source.js';

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // read everything
  }
}

async function failure(promise: Promise<unknown>): Promise<DriftError & { reason: string }> {
  try {
    await promise;
  } catch (error) {
    expect(DriftError.isInstance(error)).toBe(true);
    return error as DriftError & { reason: string };
  }
  throw new Error('expected a failure');
}

const commit = (version: number) => `_delta_log/${String(version).padStart(20, '0')}.json`;

describe('errors say what happened and what to do', () => {
  test('a missing table', async () => {
    const error = await failure(createDeltaSource({ path: fixture('no-such-table') }).describe());
    expect(error).toMatchObject({ code: 'source', reason: 'table-not-found' });
    expect(error.message).toContain('no-such-table');
  });

  test('a directory that is not a Delta table', async () => {
    const error = await failure(createDeltaSource({ path: fixturesRoot }).describe());
    expect(error).toMatchObject({ reason: 'not-a-delta-table' });
    expect(error.message).toContain('_delta_log');
  });

  test('an unknown reader feature is refused by name', async () => {
    const fileSystem = createOverlayFileSystem({
      replace: {
        [commit(0)]: (text) =>
          text.replace(
            '"readerFeatures":["deletionVectors"]',
            '"readerFeatures":["deletionVectors","variantType"]',
          ),
      },
    });
    const error = await failure(
      createDeltaSource({ path: fixture('cdf-table-with-dv'), fileSystem }).describe(),
    );
    expect(error).toMatchObject({ reason: 'unsupported-reader-feature' });
    expect(error.message).toContain('"variantType"');
    expect(error.message).not.toContain('"deletionVectors"');
  });

  test('a reader version above 3 is refused', async () => {
    const fileSystem = createOverlayFileSystem({
      replace: {
        [commit(0)]: (text) => text.replace('"minReaderVersion":3', '"minReaderVersion":4'),
      },
    });
    const error = await failure(
      createDeltaSource({ path: fixture('cdf-table-with-dv'), fileSystem }).describe(),
    );
    expect(error).toMatchObject({ reason: 'unsupported-protocol' });
  });

  test('a feature added inside a change range is refused, naming the version', async () => {
    const protocol = (features: string) =>
      `{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[${features}],"writerFeatures":["deletionVectors","changeDataFeed"]}}`;
    const fileSystem = createOverlayFileSystem({
      replace: {
        // on at version 2, off again at version 3: both ends of 0..4 are readable
        [commit(2)]: (text) =>
          `${text.trimEnd()}\n${protocol('"deletionVectors","variantType"')}\n`,
        [commit(3)]: (text) => `${text.trimEnd()}\n${protocol('"deletionVectors"')}\n`,
      },
    });
    const source = createDeltaSource({ path: fixture('cdf-table-with-dv'), fileSystem });
    await drain(source.changes({ columns: ['value'], fromVersion: 0, toVersion: 1 }));
    const error = await failure(
      drain(source.changes({ columns: ['value'], fromVersion: 0, toVersion: 4 })),
    );
    expect(error).toMatchObject({ reason: 'unsupported-reader-feature' });
    expect(error.message).toContain('version 2');
    expect(error.message).toContain('"variantType"');
  });

  test('a table without the Change Data Feed', async () => {
    const error = await failure(readChanges(fixture('basic_partitioned'), { fromVersion: 0 }));
    expect(error).toMatchObject({ name: 'NoChangeFeedError', reason: 'cdf-not-enabled' });
    expect(error.message).toContain('version 0');
    expect(
      await createDeltaSource({ path: fixture('basic_partitioned') }).describe(),
    ).toMatchObject({ changeFeed: false });
  });

  test('a range starting before CDF was enabled names that version', async () => {
    const error = await failure(
      readChanges(fixture('cdf-column-mapping-name-mode'), { fromVersion: 0, toVersion: 4 }),
    );
    expect(error).toMatchObject({ reason: 'cdf-not-enabled' });
    expect(error.message).toContain('version 0');
  });

  test('a range crossing a version where CDF was switched off (and back on) names it', async () => {
    const setCdf = (value: string) => (text: string) => {
      const metadata = text.split('\n').find((line) => line.startsWith('{"metaData"'));
      const source = metadata ?? '';
      return `${text.trimEnd()}\n${source}\n`.replace(
        /"delta.enableChangeDataFeed":"true"/g,
        `"delta.enableChangeDataFeed":"${value}"`,
      );
    };
    const original = (await import('node:fs/promises')).readFile;
    const metadataLine = (await original(fixture(`cdf-table/${commit(0)}`), 'utf8'))
      .split('\n')
      .find((line) => line.startsWith('{"metaData"'))!;
    const fileSystem = createOverlayFileSystem({
      replace: {
        [commit(1)]: (text) =>
          `${text.trimEnd()}\n${metadataLine.replace('"delta.enableChangeDataFeed":"true"', '"delta.enableChangeDataFeed":"false"')}\n`,
        [commit(2)]: (text) => setCdf('true')(`${text.trimEnd()}\n${metadataLine}\n`),
      },
    });
    const source = createDeltaSource({ path: fixture('cdf-table'), fileSystem });
    const error = await failure(
      drain(source.changes({ columns: ['id'], fromVersion: 0, toVersion: 3 })),
    );
    expect(error).toMatchObject({ reason: 'cdf-not-enabled' });
    expect(error.message).toContain('version 1');
    // the range after it is readable
    await drain(source.changes({ columns: ['id'], fromVersion: 2, toVersion: 3 }));
  });

  test('range validation', async () => {
    const table = fixture('cdf-table-simple');
    expect(await failure(readChanges(table, { fromVersion: 1, toVersion: 0 }))).toMatchObject({
      reason: 'invalid-range',
    });
    expect(await failure(readChanges(table, { fromVersion: 3, toVersion: 4 }))).toMatchObject({
      reason: 'version-out-of-range',
    });
    expect(await failure(readChanges(table, { fromVersion: 0, toVersion: 7 }))).toMatchObject({
      reason: 'version-out-of-range',
    });
    const beyond = await failure(
      readChanges(fixture('cdf-table-non-partitioned'), { fromVersion: 5 }),
    );
    expect(beyond).toMatchObject({ reason: 'version-out-of-range' });
    expect(beyond.message).toContain('latest version of the table is 4');
    expect(await failure(readSnapshot(table, { version: 99 }))).toMatchObject({
      reason: 'version-out-of-range',
    });
  });

  test('change ranges whose commits were cleaned up', async () => {
    for (const fromVersion of [0, 1, 2]) {
      const error = await failure(
        readChanges(fixture('checkpoint-cdf-table'), { fromVersion, toVersion: 5 }),
      );
      expect(error).toMatchObject({ reason: 'version-not-available' });
      expect(error.message).toContain(`version ${fromVersion}`);
    }
  });

  test('a vacuumed data file', async () => {
    // the file written at version 0; version 2 still reads it, through a deletion vector
    const written = decodeURIComponent(addsOf('cdf-table-with-dv', 0)[0]!.path);
    const fileSystem = createOverlayFileSystem({ hide: [written] });
    const source = createDeltaSource({ path: fixture('cdf-table-with-dv'), fileSystem });
    const error = await failure(drain(source.scan({ columns: ['value'], version: 2 })));
    expect(error).toMatchObject({ reason: 'file-missing' });
    expect(error.message).toContain('VACUUM');
    const changeError = await failure(
      drain(source.changes({ columns: ['value'], fromVersion: 0 })),
    );
    expect(changeError).toMatchObject({ reason: 'file-missing' });
    expect(changeError.message).toContain('version 0');
  });

  test('a missing deletion vector file', async () => {
    expect(addsOf('cdf-table-with-dv', 1)[0]!.deletionVector!.storageType).toBe('u');
    const source = createDeltaSource({ path: fixture('cdf-table-with-dv') });
    const vectors = readdirSync(fixture('cdf-table-with-dv')).filter((name) =>
      /^deletion_vector_.*\.bin$/.test(name),
    );
    expect(vectors.length).toBeGreaterThan(0);
    const hidden = createDeltaSource({
      path: fixture('cdf-table-with-dv'),
      fileSystem: createOverlayFileSystem({ hide: vectors }),
    });
    await drain(source.scan({ columns: ['value'], version: 1 }));
    expect(await failure(drain(hidden.scan({ columns: ['value'], version: 1 })))).toMatchObject({
      reason: 'file-missing',
    });
  });

  test('an unknown column', async () => {
    const error = await failure(readSnapshot(fixture('cdf-table'), { columns: ['id', 'nope'] }));
    expect(error).toMatchObject({ reason: 'column-not-found' });
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain('id, name, birthday');
  });

  test('a schema change inside a change range', async () => {
    const { tableId } = loadExpected('cdf-table-with-dv');
    const fileSystem = createOverlayFileSystem({
      replace: {
        [commit(2)]: (text) =>
          `${text.trimEnd()}\n{"metaData":{"id":"${tableId}","format":{"provider":"parquet","options":{}},"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"value\\",\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}}]}","partitionColumns":[],"configuration":{"delta.enableChangeDataFeed":"true"},"createdTime":1}}\n`,
      },
    });
    const source = createDeltaSource({ path: fixture('cdf-table-with-dv'), fileSystem });
    const error = await failure(
      drain(source.changes({ columns: ['value'], fromVersion: 0, toVersion: 2 })),
    );
    expect(error).toMatchObject({ reason: 'schema-changed' });
  });

  test('a change range across a type widening of a read column, and of columns not read', async () => {
    const source = createDeltaSource({ path: fixture('type-widening') });
    const error = await failure(
      drain(source.changes({ columns: ['id', 'body'], fromVersion: 1, toVersion: 9 })),
    );
    expect(error).toMatchObject({ reason: 'schema-changed' });
    expect(error.message).toContain('"id" at version 1 has type integer (long at version 9)');
    // `body` never changed type: its changes read through every ALTER COLUMN
    const bodies: string[] = [];
    for await (const batch of source.changes({ columns: ['body'], fromVersion: 1, toVersion: 9 }))
      for (const change of batch.changes) bodies.push(`${change.type} ${change.row.body}`);
    expect(bodies.sort()).toEqual([
      'delete two',
      'insert four',
      'insert one',
      'insert three',
      'insert two',
      'update_postimage one, edited',
      'update_preimage one',
    ]);
  });

  test('id before the log is read, and after', async () => {
    const source = createDeltaSource({ path: fixture('cdf-table') });
    expect(() => source.id).toThrow(/describe/);
    await source.describe();
    expect(source.id).toBe(loadExpected('cdf-table').tableId);
    expect((await openDeltaSource({ path: fixture('cdf-table-with-dv') })).id).toBe(
      loadExpected('cdf-table-with-dv').tableId,
    );
  });

  test('an aborted scan stops with an AbortedError', async () => {
    const controller = new AbortController();
    const source = createDeltaSource({ path: fixture('cdf-table') });
    const iterator = source
      .scan({ columns: ['id'], batchSize: 1, signal: controller.signal })
      [Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    const error = await failure(iterator.next());
    expect(error.code).toBe('aborted');
  });
});
