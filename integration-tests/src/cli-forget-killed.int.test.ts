import { join } from 'node:path';
import { pointId } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { parseJson, type TicketRow } from './cli-harness.js';
import { startKillOnHeldProxy } from './cli-kill-on-held.js';
import { qdrantSink } from './cli-sink-access.js';
import { useCliWorkspace } from './cli-workspace.js';

const row = (id: number): TicketRow => ({
  id,
  body: `customer ${id} wrote: my address is ${1000 + id} Elm Street`,
  category: null,
  n: id,
});

/**
 * `drift forget` killed after the sink deleted the points and before the ledger recorded
 * the erasure (Qdrant's answer to the delete held, then SIGKILL): the rows are gone from
 * the sink and still live in the ledger. A `watch` must not take that for a lost sink and
 * embed them again; it refuses and says to run the forget again, which completes it.
 */
describe('drift forget killed between the sink delete and the ledger record', () => {
  const space = useCliWorkspace('forget-killed', { writer: true, services: ['QDRANT_URL'] });

  it('later runs refuse until the same forget is run again, and the rows never come back', async () => {
    const { work, writer, env } = space;
    const collection = `drift_forget_killed_${Math.random().toString(36).slice(2, 8)}`;
    const direct = qdrantSink(process.env.QDRANT_URL!, collection);
    let holding = false;
    const { proxy, runDrift: runKilled } = await startKillOnHeldProxy(
      process.env.QDRANT_URL!,
      (method, url) => holding && method === 'POST' && /\/points\/delete\b/.test(url),
    );
    try {
      const table = join(work, 'people');
      const ledger = join(work, 'ledger.db');
      const rows = Array.from({ length: 20 }, (_, index) => row(index + 1));
      await writer.request({ op: 'create', path: table, rows });
      const sink = qdrantSink(proxy.url, collection).uri;
      const watch = shadowRunArgs('watch', { table, sink, ledger });
      const first = parseJson(await space.drift(watch));
      expect(first).toMatchObject({ status: 'succeeded', rowsEmbedded: 20 });
      const sourceId = String(first.source);
      const forgetArgs = ['forget', '--table', table, '--key', '3', '--key', '7'];
      const forgotten = [pointId(sourceId, '3'), pointId(sourceId, '7')];

      holding = true;
      const killed = await runKilled([...forgetArgs, '--ledger', ledger, '--json'], {
        cwd: work,
        env,
      });
      holding = false;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      // Qdrant deleted them; the ledger never heard.
      const afterKill = await direct.read();
      expect(forgotten.filter((id) => afterKill.has(id))).toEqual([]);
      expect(afterKill.size).toBe(18);

      // A new row arrives; watch refuses (exit 1, saying what to do) and writes nothing.
      await writer.request({ op: 'merge', upserts: [row(21)], deletes: [] });
      const refused = await space.drift(watch);
      expect(refused.code, refused.stderr).toBe(1);
      const said = parseJson(refused);
      expect(said.status).toBe('failed');
      expect(said.error).toMatch(/drift forget of 2 key\(s\).*Run the same drift forget again/);
      expect((await direct.read()).size).toBe(18);

      // The same forget again: receipts for both keys; then watch goes ahead without them.
      const again = parseJson(await space.drift([...forgetArgs, '--ledger', ledger, '--json']));
      expect((again.receipts as unknown[]).length).toBe(2);
      const next = parseJson(await space.drift(watch));
      expect(next).toMatchObject({ status: 'succeeded', rowsEmbedded: 1 });
      const final = await direct.read();
      expect(final.size).toBe(19);
      expect(forgotten.filter((id) => final.has(id))).toEqual([]);
      // And a full embed skips them as forgotten.
      const embed = parseJson(await space.drift(shadowRunArgs('embed', { table, sink, ledger })));
      expect(embed).toMatchObject({ status: 'succeeded', rowsForgotten: 2 });
      expect((await direct.read()).size).toBe(19);
    } finally {
      await proxy.close();
      await direct.drop().catch(() => undefined);
    }
  });
});
