import { DriftError, pointId } from '@drift-spark/core';
import { conformancePoint, unitVector } from '@drift-spark/core/testkit';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSink } from './index.js';

let database: Promise<PGlite>;
// Starting PGlite takes seconds, more on a busy machine.
beforeAll(async () => {
  database = PGlite.create({ extensions: { vector } });
  await database;
}, 300_000);
afterAll(async () => (await database)?.close());

const model = 'test/model';
const dimensions = 8;
const openOptions = { dimensions, distance: 'cosine' as const, model };
const hash = 'ab'.repeat(32);

describe('pgvector sink on PGlite: values PostgreSQL cannot hold as they are', () => {
  it('stores text with NUL characters removed (content, key, metadata), the given hash kept', async () => {
    const sink = createPgliteSink({ database: await database, table: 'nul_text' });
    expect((await sink.open(openOptions))?.created).toBe(true);
    const point = conformancePoint('k\u0000ey', unitVector(dimensions, 1), {
      model,
      content: 'before\u0000after',
      content_hash: hash,
      metadata: { note: 'a\u0000b', nested: { list: ['c\u0000d'] } },
    });
    await sink.upsert([point]);
    const [stored] = await sink.retrieve([pointId('conformance-source', 'k\u0000ey')]);
    expect(stored?.payload).toMatchObject({
      key: 'key',
      content: 'beforeafter',
      content_hash: hash,
      metadata: { note: 'ab', nested: { list: ['cd'] } },
    });
    await sink.close();
    const again = createPgliteSink({ database: await database, table: 'nul_text' });
    expect((await again.open(openOptions))?.created).toBe(false);
    await again.close();
  });

  it("a value the table refuses (a constraint of the user's table) is a point-rejected error", async () => {
    const db = await database;
    const sink = createPgliteSink({ database: db, table: 'checked' });
    await sink.open(openOptions);
    await db.exec(
      `alter table checked add constraint no_secret check (content not like '%secret%')`,
    );
    const good = conformancePoint('good', unitVector(dimensions, 1), { model });
    const bad = conformancePoint('bad', unitVector(dimensions, 2), { model, content: 'a secret' });
    const refused = await sink.upsert([good, bad]).catch((error: unknown) => error);
    expect(DriftError.hasCode(refused, 'point-rejected')).toBe(true);
    expect(String((refused as Error).message)).toMatch(/refuses a value.*SQLSTATE 23514/);
    // Alone, the good point is written (the engine splits a refused write this way).
    await sink.upsert([good]);
    expect(await sink.count()).toBe(1);
    await sink.close();
  });
});
