import { conformancePoint, unitVector } from '@drift-spark/core/testkit';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteSink } from './index.js';

let shared: Promise<PGlite> | undefined;
const database = () => {
  shared ??= PGlite.create({ extensions: { vector } });
  return shared;
};
afterAll(async () => {
  if (shared) await (await shared).close();
});

async function sinkWith(table: string, dimensions: number, keys: string[]) {
  const sink = createPgliteSink({ database: await database(), table });
  const model = `test/model-${dimensions}`;
  await sink.open({ dimensions, distance: 'cosine', model });
  await sink.upsert(
    keys.map((key, index) => conformancePoint(key, unitVector(dimensions, index + 1), { model })),
  );
  return sink;
}

describe('pgvector alias: a view applications query', () => {
  it('moves between tables of different dimensions; plain SQL through the view follows', async () => {
    const db = await database();
    const a = await sinkWith('docs_a', 8, ['1', '2']);
    const b = await sinkWith('docs_b', 4, ['1', '2', '3']);
    expect(await a.alias.read('docs_live')).toBeUndefined();
    await a.alias.point('docs_live');
    await a.alias.point('docs_live'); // idempotent
    const viaView = async () =>
      (
        await db.query<{ model: string; n: number }>(
          'select model, count(*)::int as n from docs_live group by model',
        )
      ).rows;
    expect(await viaView()).toEqual([{ model: 'test/model-8', n: 2 }]);
    expect(await b.alias.read('docs_live')).toBe('docs_a');

    await b.alias.point('docs_live');
    expect(await viaView()).toEqual([{ model: 'test/model-4', n: 3 }]);
    expect(await a.alias.read('docs_live')).toBe('docs_b');

    // The table a view reads cannot be dropped; the one it left can.
    await expect(b.drop()).rejects.toThrow();
    await a.drop();
    const left = await db.query<{ name: string }>(
      "select relname::text as name from pg_class where relname in ('docs_a', 'docs_b')",
    );
    expect(left.rows).toEqual([{ name: 'docs_b' }]);
    await a.close();
    await b.close();
  });

  it('refuses to replace a table by a view', async () => {
    const a = await sinkWith('docs_c', 4, ['1']);
    await (await database()).exec('create table not_a_view (n int)');
    await expect(a.alias.point('not_a_view')).rejects.toThrow(/not a view/);
    await expect(a.alias.point('docs_c')).rejects.toThrow(/own table/);
    await a.close();
  });
});

describe('two sinks on one PGlite folder (a migration)', () => {
  it('share one database in a process, so a view sees both tables', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = mkdtempSync(join(tmpdir(), 'drift-pglite-two-'));
    try {
      const open = async (table: string, dimensions: number) => {
        const sink = createPgliteSink({ dataDir: folder, table, lockTimeoutMs: 5_000 });
        await sink.open({ dimensions, distance: 'cosine', model: `m/${dimensions}` });
        await sink.upsert([
          conformancePoint('k', unitVector(dimensions, 1), { model: `m/${dimensions}` }),
        ]);
        return sink;
      };
      const [a, b] = await Promise.all([open('t_a', 3), open('t_b', 5)]);
      await a.alias.point('t_live');
      await b.alias.point('t_live');
      expect(await a.alias.read('t_live')).toBe('t_b');
      await a.close();
      expect(await b.count()).toBe(1);
      await b.close();
      // Closed by its last user: a new sink opens the folder again.
      const again = createPgliteSink({ dataDir: folder, table: 't_b', lockTimeoutMs: 5_000 });
      await again.open({ dimensions: 5, distance: 'cosine', model: 'm/5' });
      expect(await again.alias.read('t_live')).toBe('t_b');
      await again.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
