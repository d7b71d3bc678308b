import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { parseJson, type TicketRow } from './cli-harness.js';
import { startKillOnHeldProxy } from './cli-kill-on-held.js';
import { RandomTable } from './cli-random-table.js';
import { qdrantSink } from './cli-sink-access.js';
import {
  expectConverged,
  expectedPoints,
  expectSinkEqualsTable,
  ledgerPointCount,
} from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

const row = (id: number, body: string | null): TicketRow => ({ id, body, category: null, n: id });

/**
 * A `watch` killed after the sink stored a batch and before the ledger recorded it (the
 * sink's acknowledgement still on its way), then commits that delete and revert what it
 * wrote: the next run must not keep the points the ledger never heard of.
 */
describe('drift killed between the sink write and the ledger commit', () => {
  const space = useCliWorkspace('interrupted', { writer: true, services: ['QDRANT_URL'] });

  it('the next watch deletes and rewrites what the dead run wrote, and records what it paid', async () => {
    const { work, writer, env } = space;
    const collection = `drift_interrupted_${Math.random().toString(36).slice(2, 8)}`;
    const direct = qdrantSink(process.env.QDRANT_URL!, collection);
    let holding = false;
    const { proxy, runDrift: runKilled } = await startKillOnHeldProxy(
      process.env.QDRANT_URL!,
      // Once armed, the first upsert is stored by Qdrant and its answer never arrives.
      (method, url) => holding && method === 'PUT' && /\/points\b/.test(url),
    );
    try {
      const table = join(work, 'tickets');
      const ledger = join(work, 'ledger.db');
      const rows = new Map<number, TicketRow>();
      for (let id = 1; id <= 30; id++)
        rows.set(id, row(id, `ticket ${id}: the printer is on fire`));
      await writer.request({ op: 'create', path: table, rows: [...rows.values()] });
      const args = shadowRunArgs('watch', {
        table,
        sink: qdrantSink(proxy.url, collection).uri,
        ledger,
      });
      const first = parseJson(await space.drift(args));
      expect(first).toMatchObject({ status: 'succeeded', bootstrapped: true, rowsEmbedded: 30 });

      // New rows 31–40 and edits of rows 1–5, in one commit: one batch of the next watch.
      const edits = [...Array.from({ length: 10 }, (_, i) => row(31 + i, `new ticket ${31 + i}`))];
      for (let id = 1; id <= 5; id++) edits.push(row(id, `ticket ${id}: edited`));
      await writer.request({ op: 'merge', upserts: edits, deletes: [] });
      holding = true;
      const killed = await runKilled(args, { cwd: work, env });
      holding = false;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      // Qdrant holds the batch the ledger never recorded.
      const stored = await direct.read();
      expect([...stored.values()].filter((point) => point.key === '31')).toHaveLength(1);

      // Then the table deletes the new rows 31–35 and puts rows 1–3 back as they were.
      const back = [1, 2, 3].map((id) => row(id, `ticket ${id}: the printer is on fire`));
      const { version } = await writer.request({
        op: 'merge',
        upserts: back,
        deletes: [31, 32, 33, 34, 35],
      });
      for (const edit of edits) rows.set(edit.id, edit);
      for (const put of back) rows.set(put.id, put);
      for (const id of [31, 32, 33, 34, 35]) rows.delete(id);

      const next = await space.drift(args);
      expect(next.code, next.stderr).toBe(0);
      const result = parseJson(next);
      expect(result).toMatchObject({
        status: 'succeeded',
        toVersion: version,
        rowsFailed: 0,
        pendingWritesSettled: 1,
      });
      const expected = expectedPoints(String(result.source), rows.values());
      await expectSinkEqualsTable(
        direct,
        expected,
        'after the watch that followed the kill',
        'hash',
      );
      expect(await ledgerPointCount(ledger, String(result.sink))).toBe(expected.size);

      const status = parseJson(
        await space.drift([
          'status',
          '--sink',
          qdrantSink(proxy.url, collection).uri,
          '--ledger',
          ledger,
          '--json',
        ]),
      );
      expect(status).toMatchObject({ inStep: true });
      // The dead run paid for 15 texts (10 new, 5 edited); the ledger has them under its id.
      const runs = parseJson(await space.drift(['runs', '--ledger', ledger, '--json'])).runs as {
        runId: string;
        error: string | null;
      }[];
      const dead = runs.find((run) => run.error === 'interrupted');
      expect(dead, JSON.stringify(runs)).toBeDefined();
      const cost = parseJson(
        await space.drift(['cost', '--by', 'run', '--ledger', ledger, '--json']),
      ) as { rows: { group: string; embeddings: number }[] };
      expect(cost.rows.find((entry) => entry.group === dead!.runId)).toMatchObject({
        embeddings: 15,
      });
    } finally {
      await proxy.close();
      await direct.drop().catch(() => undefined);
    }
  });

  it('randomized: each round killed at a random write acknowledgement, then commits; the next run leaves the sink equal to the table', async () => {
    const { work, writer, env } = space;
    const { seed, random } = testSeed('cli-interrupted-write');
    const collection = `drift_interrupted_${seed}`;
    const direct = qdrantSink(process.env.QDRANT_URL!, collection);
    // The write (upsert or delete) whose acknowledgement is held, counted from 0; -1: none.
    let holdWrite = -1;
    let writes = 0;
    // Most rounds count upserts only: a held upsert leaves points the ledger never heard of.
    let upsertsOnly = true;
    const { proxy, runDrift: runKilled } = await startKillOnHeldProxy(
      process.env.QDRANT_URL!,
      (method, url) =>
        holdWrite >= 0 &&
        ((method === 'PUT' && /\/points(\?|$)/.test(url)) ||
          (!upsertsOnly && /\/points\/delete\b/.test(url))) &&
        writes++ === holdWrite,
    );
    try {
      const tablePath = join(work, 'random-tickets');
      const ledger = join(work, 'random-ledger.db');
      const table = new RandomTable(random, writer);
      await table.create(tablePath, 200);
      const sinkUri = qdrantSink(proxy.url, collection).uri;
      const argsOf = (command: string) =>
        shadowRunArgs(command, { table: tablePath, sink: sinkUri, ledger }, '--batch-size', '20');
      expect(parseJson(await space.drift(argsOf('watch')))).toMatchObject({ status: 'succeeded' });
      const log: string[] = [];
      for (let round = 0; round < 5; round++) {
        await table.bulkMerge(30, 20, 15);
        await table.randomCommits(1);
        const command = random() < 0.3 ? 'embed' : 'watch';
        const target = Math.floor(random() * 5);
        upsertsOnly = random() < 0.7;
        holdWrite = target;
        writes = 0;
        const killed = await runKilled(argsOf(command), { cwd: work, env });
        holdWrite = -1;
        log.push(
          `round ${round}: ${command}, ${upsertsOnly ? 'upsert' : 'write'} ${target} held -> ${killed.signal ?? `exit ${killed.code}`}`,
        );
        if (killed.signal === null) expect(killed.code, killed.stderr).toBe(0);
        // Rows the killed run may have written unrecorded are deleted (most rounds), then more.
        if (random() < 0.7) await table.deleteNewest(1 + Math.floor(random() * 20));
        await table.randomCommits(Math.floor(random() * 3));
        const label = `seed ${seed}, round ${round}\n${log.join('\n')}`;
        const result = await expectConverged(
          await space.drift(argsOf('watch')),
          table,
          direct,
          ledger,
          label,
        );
        // The sink lost nothing: once the dead run's writes are settled, no row-by-row re-check.
        expect(result.sinkLoss, label).toBeUndefined();
      }
      console.info(log.join('\n'));
    } finally {
      await proxy.close();
      await direct.drop().catch(() => undefined);
    }
  });
});
