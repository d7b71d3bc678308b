import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dimensions, model, shadowRunArgs } from './cli-args.js';
import type { TicketRow } from './cli-harness.js';
import { expectedPoints, readSink } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

/**
 * Issue 10, item 0: one commit that deletes and inserts the same key (a delta-rs UPDATE
 * that writes no cdc files, an overwrite, a predicate overwrite) is a rewrite, and the
 * row stays. Before the fix `watch` deleted every rewritten row from the sink.
 */

describe('drift watch keeps the rows a commit rewrites', () => {
  const space = useCliWorkspace('rewrite', { writer: true });

  function args(command: string, tablePath: string, sinkUri: string, ...extra: string[]) {
    const ledger = join(space.work, `${sinkUri.split('?table=')[1]}.db`);
    return shadowRunArgs(command, { table: tablePath, sink: sinkUri, ledger }, ...extra);
  }
  const drift = space.driftJson;

  async function expectSinkHolds(sinkUri: string, sourceId: string, rows: Iterable<TicketRow>) {
    const expected = expectedPoints(sourceId, rows);
    const actual = await readSink(sinkUri, model, dimensions);
    expect(new Set([...actual.values()].map((point) => point.key))).toEqual(
      new Set([...expected.values()].map((point) => point.key)),
    );
    for (const [id, point] of expected) expect(actual.get(id)).toEqual(point);
  }

  it('the issue reproduction: a no-op UPDATE (no cdc files) after `embed --version 0` leaves all 10 rows in the sink', async () => {
    const { work, writer } = space;
    const tablePath = join(work, 'noop');
    const sinkUri = `pglite://${join(work, 'sink-noop')}?table=noop`;
    const rows: TicketRow[] = Array.from({ length: 10 }, (_, index) => ({
      id: index + 1,
      body: `ticket number ${index + 1}`,
      category: 'c',
      n: index,
    }));
    expect((await writer.request({ op: 'create', path: tablePath, rows })).version).toBe(0);
    expect((await writer.request({ op: 'noop_update', ids: [3] })).version).toBe(1);

    const embedded = await drift(args('embed', tablePath, sinkUri, '--version', '0'));
    expect(embedded).toMatchObject({ status: 'succeeded', rowsEmbedded: 10 });
    const watched = await drift(args('watch', tablePath, sinkUri));
    expect(watched).toMatchObject({
      status: 'succeeded',
      sinceVersion: 1,
      toVersion: 1,
      deleted: 0,
      rowsDeleted: 0,
      rowsEmbedded: 0,
      rowsDeduped: 10,
    });
    await expectSinkHolds(sinkUri, String(watched.source), rows);

    // Later watches keep them (nothing to bring back, nothing lost).
    const idle = await drift(args('watch', tablePath, sinkUri));
    expect(idle).toMatchObject({ status: 'succeeded', rowsProcessed: 0 });
    await expectSinkHolds(sinkUri, String(watched.source), rows);
  });

  it('an overwrite and a predicate overwrite keep the rows they write again, and apply what they change', async () => {
    const { work, writer } = space;
    const tablePath = join(work, 'overwrite');
    const sinkUri = `pglite://${join(work, 'sink-overwrite')}?table=overwrite`;
    const model = new Map<number, TicketRow>();
    const put = (row: TicketRow) => model.set(row.id, row);
    const first: TicketRow[] = Array.from({ length: 8 }, (_, index) => ({
      id: index + 1,
      body: `row ${index + 1}`,
      category: 'c',
      n: index,
    }));
    await writer.request({ op: 'create', path: tablePath, rows: first });
    first.forEach(put);
    const bootstrap = await drift(args('watch', tablePath, sinkUri));
    expect(bootstrap).toMatchObject({ bootstrapped: true, rowsEmbedded: 8 });
    const sourceId = String(bootstrap.source);

    // A full overwrite: rows 1..6 again (row 2 with a new text), 7 and 8 gone, 9 new.
    const overwrite = [...first.slice(0, 6), { id: 9, body: 'row 9', category: 'c', n: 9 }].map(
      (row) => (row.id === 2 ? { ...row, body: 'row 2, rewritten' } : row),
    );
    await writer.request({ op: 'overwrite', rows: overwrite });
    model.clear();
    overwrite.forEach(put);
    const afterOverwrite = await drift(args('watch', tablePath, sinkUri));
    expect(afterOverwrite).toMatchObject({ deleted: 2, rowsEmbedded: 2, rowsDeduped: 5 });
    await expectSinkHolds(sinkUri, sourceId, model.values());

    // A predicate overwrite of ids 3..5: 3 unchanged, 4 with a new text, 5 dropped.
    const replaced = [model.get(3)!, { ...model.get(4)!, body: 'row 4, replaced' }];
    await writer.request({ op: 'overwrite_where', ids: [3, 4, 5], rows: replaced });
    model.delete(5);
    replaced.forEach(put);
    const afterReplace = await drift(args('watch', tablePath, sinkUri));
    expect(afterReplace).toMatchObject({ deleted: 1, rowsEmbedded: 1 });
    await expectSinkHolds(sinkUri, sourceId, model.values());
  });
});
