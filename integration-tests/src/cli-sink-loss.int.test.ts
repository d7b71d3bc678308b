import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, parseJson, runDrift, type TicketRow } from './cli-harness.js';
import { sinksOfEveryKind } from './cli-sink-access.js';
import { expectedPoints, ledgerPointCount } from './cli-state.js';
import { useCliWork } from './cli-work.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;

/**
 * Issue 10, item 1: a sink that lost its points (a dropped table, a deleted collection, a
 * removed PGlite folder, a few deleted points) is repaired by the next `watch` or `embed`,
 * which used to answer "unchanged" on the ledger's word and leave it empty.
 */
describe('a sink that lost its points is repaired by the next run, through the built drift binary', () => {
  const setup = useCliWork('drift-cli-loss-', {
    needs: ['DATABASE_URL', 'QDRANT_URL'],
    writer: true,
  });
  const token = Math.random().toString(36).slice(2, 8);

  const sinks = (work: string) =>
    sinksOfEveryKind(join(work, 'pglite'), 'tickets', `drift_loss_${token}`, model, dimensions);

  for (const index of [0, 1, 2]) {
    it(`sink ${['pglite', 'postgres', 'qdrant'][index]}: dropped, then partly deleted; watch and embed write back what it lost`, async () => {
      const { work, writer } = setup;
      const sink = sinks(work)[index]!;
      const table = join(work, `table-${sink.name}`);
      const ledger = join(work, `ledger-${sink.name}.db`);
      const env = childEnv(work);
      const rows: TicketRow[] = Array.from({ length: 12 }, (_, i) => ({
        id: i + 1,
        // Rows 11 and 12 share a text: a lost one is copied from the other when it is there.
        body: i >= 10 ? 'the same text twice' : `ticket ${i + 1}: the printer is on fire`,
        category: null,
        n: i,
      }));
      await writer.request({ op: 'create', path: table, rows });
      const args = (command: string) => [
        command,
        '--table',
        table,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink.uri,
        '--ledger',
        ledger,
        '--json',
      ];
      const drift = async (command: string) => {
        const run = await runDrift(args(command), { cwd: work, env });
        expect(run.code, run.stderr).toBe(0);
        return parseJson(run);
      };
      const expectInStep = async (what: string, sourceId: string, sinkId: string) => {
        const expected = expectedPoints(sourceId, rows);
        const actual = await sink.read();
        expect(new Set(actual.keys()), `${what}: point ids`).toEqual(new Set(expected.keys()));
        for (const [id, point] of expected)
          expect(actual.get(id), `${what}: key ${point.key}`).toEqual(point);
        expect(await ledgerPointCount(ledger, sinkId), `${what}: ledger`).toBe(expected.size);
      };

      const first = await drift('embed');
      expect(first).toMatchObject({ status: 'succeeded', rowsEmbedded: 11, rowsReused: 1 });
      const sourceId = String(first.source);
      const sinkId = String(first.sink);
      await expectInStep('after embed', sourceId, sinkId);

      // The table / collection / folder is gone; no new version of the Delta table.
      await sink.drop();
      const watched = await drift('watch');
      expect(watched).toMatchObject({
        status: 'succeeded',
        rowsFailed: 0,
        sinkLoss: { sinkPoints: 0, ledgerPoints: 12, created: true },
        inserted: 0,
        updated: 0,
        deleted: 0,
      });
      expect((watched.rowsEmbedded as number) + (watched.rowsReused as number)).toBe(12);
      await expectInStep('after drop + watch', sourceId, sinkId);

      await sink.drop();
      const embedded = await drift('embed');
      expect(embedded).toMatchObject({
        status: 'succeeded',
        rowsDeduped: 0,
        sinkLoss: { sinkPoints: 0, ledgerPoints: 12, created: true },
      });
      await expectInStep('after drop + embed', sourceId, sinkId);

      // Three points deleted behind Drift's back (one of the two that share a text).
      const ids = [...expectedPoints(sourceId, rows).keys()];
      const lost = [ids[0]!, ids[5]!, ids[11]!];
      await sink.deletePoints(lost);
      const repaired = await drift('watch');
      expect(repaired).toMatchObject({
        status: 'succeeded',
        rowsDeduped: 9,
        sinkLoss: { sinkPoints: 9, ledgerPoints: 12, created: false },
      });
      // The text the sink still holds is copied, not paid for again.
      expect(repaired).toMatchObject({ rowsEmbedded: 2, rowsReused: 1 });
      await expectInStep('after deleted points + watch', sourceId, sinkId);

      // In step again: the next run trusts the ledger and finds nothing to do.
      const idle = await drift('embed');
      expect(idle).toMatchObject({ rowsDeduped: 12, rowsEmbedded: 0 });
      expect(idle.sinkLoss).toBeUndefined();
      const status = parseJson(
        await runDrift(['status', '--sink', sink.uri, '--ledger', ledger, '--json'], {
          cwd: work,
          env,
        }),
      );
      expect(status).toMatchObject({ sinkPoints: 12, ledgerPoints: 12, inStep: true });
      // PGlite builds no index by default: status says so, with what one search costs.
      if (sink.uri.startsWith('pglite://'))
        expect(status.search).toMatchObject({
          index: null,
          exactSearchMs: expect.any(Number),
          hint: expect.stringMatching(/index=hnsw/),
        });
    });
  }
});
