import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { parseJson, type TicketRow } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, expectSinkEqualsTable, ledgerPointCount } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

describe('drift watch follows a table that a real Delta writer keeps changing', () => {
  const space = useCliWorkspace('random', { writer: true });

  it.each([
    ['pglite', (work: string) => `pglite://${join(work, 'sink')}?table=tickets`],
    ['lancedb', (work: string) => `lancedb://${join(work, 'lance')}?table=tickets`],
  ])(
    'into %s, after every watch: one point per live row with text, with its current hash, nothing else; the provider saw only new texts; ledger = sink',
    async (_name, sinkFor) => {
      const { work, writer } = space;
      const { random } = testSeed('cli-watch-random');
      const tablePath = join(work, `tickets-${_name}`);
      const sinkUri = sinkFor(work);
      const ledger = join(work, `ledger-${_name}.db`);
      const table = new RandomTable(random, writer);
      await table.create(tablePath, 40);
      // A few versions before the first watch: it bootstraps from a snapshot of the latest.
      await table.randomCommits(2);

      const target = { table: tablePath, sink: sinkUri, ledger };
      const watchArgs = shadowRunArgs(
        'watch',
        target,
        '--batch-size',
        process.env.DRIFT_TEST_BATCH_SIZE ?? '16',
      );
      let before = new Map<string, { key: string; contentHash: string }>();
      const everHeld = new Set<string>();
      let sourceId = '';
      let sinkId = '';
      const rounds = 8;
      for (let round = 0; round < rounds; round++) {
        if (round > 0) await table.randomCommits(1 + Math.floor(random() * 3));
        await table.verify();
        const run = await space.drift(watchArgs);
        expect(run.stderr, `round ${round}`).not.toMatch(/drift:/);
        expect(run.code, `round ${round}: ${run.stderr}`).toBe(0);
        const result = parseJson(run);
        expect(result).toMatchObject({
          status: 'succeeded',
          rowsFailed: 0,
          toVersion: table.version,
        });
        expect(result.bootstrapped).toBe(round === 0);
        sourceId = String(result.source);
        sinkId = String(result.sink);

        const expected = expectedPoints(sourceId, table.rows.values());
        await expectSinkEqualsTable(sinkUri, expected, `round ${round}`);
        expect(await ledgerPointCount(ledger, sinkId), `round ${round}: ledger count`).toBe(
          expected.size,
        );

        // The provider was asked at most for the texts no point held before the run (a text that
        // moved from a key this run changed or deleted is copied, whatever the order), and at
        // least for the texts never embedded before (the ledger may still keep the vector of
        // one that left the sink in an earlier round).
        const changed = [...expected].filter(
          ([id, point]) => before.get(id)?.contentHash !== point.contentHash,
        );
        const writtenHashes = new Set(changed.map(([, point]) => point.contentHash));
        const heldBefore = new Set([...before.values()].map((point) => point.contentHash));
        const notHeld = [...writtenHashes].filter((hash) => !heldBefore.has(hash)).length;
        const neverEmbedded = [...writtenHashes].filter((hash) => !everHeld.has(hash)).length;
        const paid = result.rowsEmbedded as number;
        expect(paid, `round ${round}: provider calls`).toBeLessThanOrEqual(notHeld);
        expect(paid, `round ${round}: provider calls`).toBeGreaterThanOrEqual(neverEmbedded);
        for (const point of expected.values()) everHeld.add(point.contentHash);
        expect(
          (result.rowsEmbedded as number) + (result.rowsReused as number),
          `round ${round}: rows written`,
        ).toBe(changed.length);
        before = expected;

        if (round === 4) {
          // Nothing new: nothing read, nothing embedded.
          const idle = parseJson(await space.drift(watchArgs));
          expect(idle).toMatchObject({
            status: 'succeeded',
            rowsProcessed: 0,
            rowsEmbedded: 0,
            toVersion: table.version,
          });
        }
      }

      const status = parseJson(
        await space.drift(['status', '--sink', sinkUri, '--ledger', ledger, '--json']),
      );
      expect(status).toMatchObject({
        sinkPoints: before.size,
        ledgerPoints: before.size,
        inStep: true,
      });
      expect(status.checkpoints).toEqual([
        expect.objectContaining({ sourceId, version: table.version }),
      ]);

      // An embed over the same table and sink now finds every row unchanged.
      const embed = parseJson(await space.drift(shadowRunArgs('embed', target)));
      expect(embed).toMatchObject({
        status: 'succeeded',
        rowsEmbedded: 0,
        rowsReused: 0,
        rowsDeduped: before.size,
        rowsDeleted: 0,
      });
    },
  );
});

export type { TicketRow };
