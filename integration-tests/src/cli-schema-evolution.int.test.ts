import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dimensions, model, shadowRunArgs } from './cli-args.js';
import type { TicketRow } from './cli-harness.js';
import { expectedPoints, readSink } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

/**
 * A table's schema evolves under a running `watch`: columns added by a merging append
 * (delta-rs `schema_mode="merge"`) are read through, older files giving null; a change of a
 * read column's type stops `watch` with the recovery it needs, and `--recover` takes the table
 * from there.
 */
describe('drift watch across schema changes', () => {
  const space = useCliWorkspace('schema', { writer: true });
  const drift = space.driftJson;

  function args(command: string, name: string, ...extra: string[]) {
    const { work } = space;
    return shadowRunArgs(
      command,
      {
        table: join(work, name),
        sink: `pglite://${join(work, `sink-${name}`)}?table=${name}`,
        ledger: join(work, `${name}.db`),
      },
      ...extra,
    );
  }

  async function expectSinkHolds(name: string, sourceId: string, rows: Iterable<TicketRow>) {
    const expected = expectedPoints(sourceId, rows);
    const actual = await readSink(
      `pglite://${join(space.work, `sink-${name}`)}?table=${name}`,
      model,
      dimensions,
    );
    expect([...actual.values()].map((point) => point.key).sort()).toEqual(
      [...expected.values()].map((point) => point.key).sort(),
    );
    for (const [id, point] of expected) expect(actual.get(id)).toEqual(point);
  }

  const row = (id: number, body: string): TicketRow => ({ id, body, category: 'c', n: id });

  it('a column added inside the change range: every change applied, older files read with the column null', async () => {
    const { writer } = space;
    const rows = new Map<number, TicketRow>();
    const first = [1, 2, 3, 4, 5, 6].map((id) => row(id, `ticket ${id}`));
    await writer.request({ op: 'create', path: join(space.work, 'added'), rows: first });
    for (const r of first) rows.set(r.id, r);
    const bootstrap = await drift(args('watch', 'added', '--metadata-col', 'category'));
    expect(bootstrap).toMatchObject({ bootstrapped: true, rowsEmbedded: 6 });
    const sourceId = String(bootstrap.source);

    // v1 adds a column (two new rows carry it), v2..v4 change rows written before and after it.
    const added = [row(7, 'ticket 7'), row(8, 'ticket 8')];
    await writer.request({
      op: 'append_new_column',
      rows: added,
      column: 'lang',
      values: ['en', null],
    });
    for (const r of added) rows.set(r.id, r);
    await writer.request({ op: 'set_body', ids: [2, 7], body: 'edited after the new column' });
    rows.set(2, { ...rows.get(2)!, body: 'edited after the new column' });
    rows.set(7, { ...rows.get(7)!, body: 'edited after the new column' });
    await writer.request({ op: 'delete', ids: [3, 8] });
    rows.delete(3);
    rows.delete(8);
    await writer.request({ op: 'append', rows: [row(9, 'ticket 9')] });
    rows.set(9, row(9, 'ticket 9'));

    const watched = await drift(args('watch', 'added', '--metadata-col', 'category'));
    expect(watched).toMatchObject({
      status: 'succeeded',
      sinceVersion: 1,
      toVersion: 4,
      // 2 and 7 share their new text (paid once), 9 is new; 3 is gone, 8 came and went
      rowsEmbedded: 2,
      rowsDeleted: 1,
    });
    await expectSinkHolds('added', sourceId, rows.values());

    // A second column and a rewrite of every row, then an idle watch.
    await writer.request({
      op: 'append_new_column',
      rows: [row(10, 'ticket 10')],
      column: 'region',
      values: ['eu'],
    });
    rows.set(10, row(10, 'ticket 10'));
    const rewritten = [...rows.values()].map((r) =>
      r.id === 4 ? { ...r, body: 'ticket 4, rewritten' } : r,
    );
    await writer.request({ op: 'overwrite', rows: rewritten });
    for (const r of rewritten) rows.set(r.id, r);
    const again = await drift(args('watch', 'added', '--metadata-col', 'category'));
    expect(again).toMatchObject({
      status: 'succeeded',
      sinceVersion: 5,
      toVersion: 6,
      rowsEmbedded: 2,
    });
    await expectSinkHolds('added', sourceId, rows.values());
    expect(await drift(args('watch', 'added'))).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 0,
    });
  });

  it('a read column whose type changes stops watch with what to do; --recover takes the table from there', async () => {
    const { writer } = space;
    const first = [1, 2, 3].map((id) => row(id, `ticket ${id}`));
    await writer.request({ op: 'create', path: join(space.work, 'retyped'), rows: first });
    const bootstrap = await drift(args('watch', 'retyped'));
    expect(bootstrap).toMatchObject({ bootstrapped: true, rowsEmbedded: 3 });
    const sourceId = String(bootstrap.source);

    // v1 overwrites the schema: `id` becomes a string column; row 3 is gone, row 4 is new.
    const now = [row(1, 'ticket 1'), row(2, 'ticket 2, now a string id'), row(4, 'ticket 4')];
    await writer.request({ op: 'overwrite_string_ids', rows: now });
    const stopped = await space.drift(args('watch', 'retyped'));
    expect(stopped.code).not.toBe(0);
    const failure = JSON.parse(stopped.stdout) as Record<string, string>;
    expect(failure).toMatchObject({ status: 'failed', recoveryNeeded: 'schema-changed' });
    expect(failure.error).toMatch(/column "id" at version 0 has type long \(string at version 1\)/);
    expect(stopped.stderr).toContain('drift watch with --recover');
    // Nothing was applied: the sink still holds the rows of version 0.
    await expectSinkHolds('retyped', sourceId, first);

    const recovered = await drift(args('watch', 'retyped', '--recover'));
    expect(recovered).toMatchObject({ status: 'succeeded', rowsEmbedded: 2, rowsDeleted: 1 });
    await expectSinkHolds('retyped', sourceId, now);
    expect(await drift(args('watch', 'retyped'))).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 0,
    });
  });
});
