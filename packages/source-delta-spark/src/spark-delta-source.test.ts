import type { SparkField } from '@drift-spark/spark-connect';
import { describe, expect, it } from 'vitest';
import { createSparkDeltaSource, type SparkDeltaClient } from './spark-delta-source.js';
import { collect, failure } from './testing/spark-test-helpers.js';

interface FakeOptions {
  fields: SparkField[];
  rows?: Array<Record<string, unknown>>;
  latest?: number;
  detail?: Record<string, unknown>;
}

function fakeClient(options: FakeOptions) {
  const queries: string[] = [];
  const statements: string[] = [];
  let closed = 0;
  const client: SparkDeltaClient = {
    async execute(statement) {
      statements.push(statement);
      if (statement.startsWith('DESCRIBE HISTORY'))
        return [{ version: BigInt(options.latest ?? 3) }];
      if (statement.startsWith('DESCRIBE DETAIL'))
        return [
          options.detail ?? {
            format: 'delta',
            id: 'table-id-1',
            properties: { 'delta.enableChangeDataFeed': 'true' },
          },
        ];
      return [];
    },
    async schema(query) {
      queries.push(`schema:${query}`);
      return options.fields;
    },
    sql(query) {
      queries.push(query);
      const rows = options.rows ?? [];
      return {
        async *rows() {
          // Two Arrow batches, as Spark would stream them.
          yield rows.slice(0, 2);
          yield rows.slice(2);
        },
      } as never;
    },
    async close() {
      closed++;
    },
  };
  return { client, queries, statements, closed: () => closed };
}

const fields: SparkField[] = [
  { name: 'id', type: 'bigint', nullable: false },
  { name: 'text', type: 'string', nullable: true },
  { name: 'at', type: 'timestamp', nullable: true },
  { name: 'day', type: 'date', nullable: true },
  { name: 'price', type: 'decimal(10,2)', nullable: true },
];

describe('createSparkDeltaSource with a fake client', () => {
  it('is lazy and reads id, columns, latest version and change feed flag', async () => {
    const fake = fakeClient({ fields });
    const source = createSparkDeltaSource({ table: 'main.s.t', client: fake.client });
    expect(fake.statements).toHaveLength(0);
    expect(() => source.id).toThrow(/describe/);
    const description = await source.describe();
    expect(description).toEqual({
      id: 'table-id-1',
      columns: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'text', type: 'string', nullable: true },
        { name: 'at', type: 'timestamp', nullable: true },
        { name: 'day', type: 'date', nullable: true },
        { name: 'price', type: 'decimal(10,2)', nullable: true },
      ],
      latestVersion: 3,
      changeFeed: true,
    });
    expect(source.id).toBe('table-id-1');
    expect(fake.statements).toEqual([
      'DESCRIBE DETAIL `main`.`s`.`t`',
      'DESCRIBE HISTORY `main`.`s`.`t` LIMIT 1',
    ]);
  });

  it('scans only the requested columns at the latest version, in canonical values and requested batch sizes', async () => {
    const fake = fakeClient({
      fields,
      rows: [
        { id: 1n, at: 1704164645678901n, day: 1704153600000, price: 12.34 },
        { id: 2n, at: null, day: null, price: null },
        { id: 3n, at: -1n, day: 0, price: 0 },
      ],
    });
    const source = createSparkDeltaSource({ table: '/data/t', client: fake.client });
    const batches = await collect(
      source.scan({ columns: ['id', 'at', 'day', 'price'], batchSize: 2 }),
    );
    expect(batches).toEqual([
      {
        version: 3,
        rows: [
          { id: 1n, at: '2024-01-02T03:04:05.678901Z', day: '2024-01-02', price: 12.34 },
          { id: 2n, at: null, day: null, price: null },
        ],
      },
      {
        version: 3,
        rows: [{ id: 3n, at: '1969-12-31T23:59:59.999999Z', day: '1970-01-01', price: 0 }],
      },
    ]);
    expect(fake.queries.at(-1)).toBe(
      'SELECT `id`, unix_micros(`at`) AS `at`, `day`, CAST(`price` AS DOUBLE) AS `price` FROM delta.`/data/t` VERSION AS OF 3',
    );
  });

  it('refuses a scan version past the latest, and an unknown column, before running a query', async () => {
    const fake = fakeClient({ fields, latest: 2 });
    const source = createSparkDeltaSource({ table: 't', client: fake.client });
    const late = await failure(collect(source.scan({ columns: ['id'], version: 5 })));
    expect(late).toMatchObject({ code: 'source', reason: 'version-out-of-range' });
    expect(late.message).toContain('its latest version is 2');
    const missing = await failure(collect(source.scan({ columns: ['id', 'nope'] })));
    expect(missing).toMatchObject({ code: 'source', reason: 'column-not-found' });
    expect(missing.message).toContain('id, text, at, day, price');
    expect(fake.queries.filter((query) => query.startsWith('SELECT'))).toHaveLength(0);
  });

  it('reads changes through table_changes, ordered by version, with hashes pushed into Spark on request', async () => {
    const fake = fakeClient({
      fields,
      rows: [
        {
          id: 1n,
          'text:sha256': 'ab',
          __drift_change_type: 'insert',
          __drift_commit_version: 1n,
          __drift_commit_ms: 1000n,
        },
        {
          id: 1n,
          'text:sha256': 'cd',
          __drift_change_type: 'update_postimage',
          __drift_commit_version: 2n,
          __drift_commit_ms: 2000n,
        },
        {
          id: 1n,
          'text:sha256': null,
          __drift_change_type: 'delete',
          __drift_commit_version: 3n,
          __drift_commit_ms: 3000n,
        },
      ],
    });
    const source = createSparkDeltaSource({ table: 'main.s.t', client: fake.client });
    const batches = await collect(
      source.changes({ columns: ['id'], fromVersion: 1, spark: { hashColumns: ['text'] } }),
    );
    expect(batches.flatMap((batch) => batch.changes)).toEqual([
      {
        type: 'insert',
        row: { id: 1n, 'text:sha256': 'ab' },
        commitVersion: 1,
        commitTimestamp: 1000,
      },
      {
        type: 'update_postimage',
        row: { id: 1n, 'text:sha256': 'cd' },
        commitVersion: 2,
        commitTimestamp: 2000,
      },
      {
        type: 'delete',
        row: { id: 1n, 'text:sha256': null },
        commitVersion: 3,
        commitTimestamp: 3000,
      },
    ]);
    const query = fake.queries.at(-1) as string;
    expect(query).toContain("FROM table_changes('`main`.`s`.`t`', 1, 3)");
    expect(query).toContain('sha2(CAST(`text` AS STRING), 256) AS `text:sha256`');
    expect(query).not.toMatch(/SELECT `id`, `text`/);
    expect(query).toMatch(/ORDER BY `_commit_version`$/);
  });

  it.each([
    [{ fromVersion: 4 }, 'version-out-of-range'],
    [{ fromVersion: 0, toVersion: 9 }, 'version-out-of-range'],
    [{ fromVersion: 2, toVersion: 1 }, 'invalid-range'],
    [{ fromVersion: -1 }, 'invalid-input'],
  ])('refuses the change range %j with %s', async (range, reason) => {
    const fake = fakeClient({ fields, latest: 3 });
    const source = createSparkDeltaSource({ table: 't', client: fake.client });
    const error = await failure(collect(source.changes({ columns: ['id'], ...range })));
    expect(error.reason ?? error.code).toBe(reason);
  });

  it('does not close a client it was given, and refuses use after close', async () => {
    const fake = fakeClient({ fields });
    const source = createSparkDeltaSource({ table: 't', client: fake.client });
    await source.describe();
    await source.close?.();
    expect(fake.closed()).toBe(0);
    await expect(source.describe()).rejects.toMatchObject({ code: 'plugin-state' });
  });

  it('names a malformed table before connecting', async () => {
    let created = 0;
    const source = createSparkDeltaSource({
      table: 'a.b.c.d',
      client: () => {
        created++;
        return fakeClient({ fields }).client;
      },
    });
    await expect(source.describe()).rejects.toMatchObject({ code: 'invalid-input' });
    expect(created).toBe(0);
  });
});
