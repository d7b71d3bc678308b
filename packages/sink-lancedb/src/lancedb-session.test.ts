import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '@lancedb/lancedb';
import { afterAll, describe, expect, it } from 'vitest';
import { driftSchema, pointsToArrow } from './lancedb-arrow.js';
import { connectLancedb } from './lancedb-table.js';
import { dimensions, open, points } from './lancedb-test-points.js';

const folder = mkdtempSync(join(tmpdir(), 'drift-lancedb-session-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('LanceDB connection', () => {
  it('keeps its metadata in the bounded session it was given, not in LanceDB default caches', async () => {
    // 0.37.1's connect() ignores a session passed as its third argument: a long load then
    // grew LanceDB's default 1 GB metadata cache (RSS +300 MB at 1M rows, bench/README.md).
    const session = new Session(BigInt(2 ** 20), BigInt(2 ** 20));
    const db = await connectLancedb({ path: folder, table: 'cached' }, session);
    const schema = driftSchema(dimensions, open.model);
    const table = await db.createEmptyTable('cached', schema, { mode: 'create' });
    for (const from of [0, 10, 20])
      await table.add(pointsToArrow(points(10, from), schema, dimensions, true));
    expect(await table.countRows()).toBe(30);
    expect(session.approxNumItems()).toBeGreaterThan(0);
    expect(Number(session.sizeBytes())).toBeLessThanOrEqual(2 * 2 ** 20);
    table.close();
    db.close();
  });
});
