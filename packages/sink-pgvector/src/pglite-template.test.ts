import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteFolder } from './pglite-open-folder.js';
import { findPgliteTemplate } from './pglite-template.js';

const root = mkdtempSync(join(tmpdir(), 'drift-pglite-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function settings(database: PGlite) {
  const { rows } = await database.query<{ buffers: string; wal: string; vector: boolean }>(
    `select current_setting('shared_buffers') as buffers, current_setting('max_wal_size') as wal,
            exists(select 1 from pg_extension where extname = 'vector') as vector`,
  );
  return rows[0];
}

describe('PGlite data folders', () => {
  it('starts a new folder from the prebuilt template (pnpm build writes it)', async () => {
    expect(await findPgliteTemplate(), 'no template in dist/: run pnpm build').toBeDefined();
    const folder = join(root, 'new');
    const database = await openPgliteFolder(folder);
    // The template's cluster has the vector extension already; PGlite's initdb has not.
    expect(await settings(database)).toEqual({ buffers: '16MB', wal: '64MB', vector: true });
    await database.exec('create table t (id int primary key, v vector(2))');
    await database.exec(`insert into t values (1, '[1,2]')`);
    await database.close();
    const again = await openPgliteFolder(folder);
    expect((await again.query('select id, v::text as v from t')).rows).toEqual([
      { id: 1, v: '[1,2]' },
    ]);
    await again.close();
  }, 180_000); // PGlite starts (and initdb) take a minute on a loaded machine

  it("opens a folder made by PGlite's own initdb (older Drift) with its rows", async () => {
    const folder = join(root, 'old');
    const old = await PGlite.create({ dataDir: folder, extensions: { vector } });
    await old.exec(
      `create extension vector; create table t (v vector(2)); insert into t values ('[3,4]')`,
    );
    await old.close();
    const database = await openPgliteFolder(folder);
    expect(await settings(database)).toEqual({ buffers: '16MB', wal: '64MB', vector: true });
    expect((await database.query('select v::text as v from t')).rows).toEqual([{ v: '[3,4]' }]);
    await database.close();
  }, 180_000); // PGlite starts (and initdb) take a minute on a loaded machine

  it('starts an in-memory database from the template too', async () => {
    const database = await openPgliteFolder(undefined);
    expect(await settings(database)).toEqual({ buffers: '16MB', wal: '64MB', vector: true });
    await database.close();
  });
});
