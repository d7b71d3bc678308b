import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pointId } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { childEnv, parseJson, runDrift, sha256, type TicketRow } from './cli-harness.js';
import { sinksOfEveryKind } from './cli-sink-access.js';
import { useCliWork } from './cli-work.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;

/** The ledger file and its write-ahead log, as bytes read by anyone with the file. */
function ledgerBytes(path: string): string {
  return [path, `${path}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

/** Issue 13, "drift forget": erasure across every sink, with receipts, through the built binary. */
describe('drift forget erases rows from every sink the ledger knows, through the built binary', () => {
  const setup = useCliWork('drift-cli-forget-', {
    needs: ['DATABASE_URL', 'QDRANT_URL'],
    writer: true,
  });
  const token = Math.random().toString(36).slice(2, 8);

  it('forget of 10 keys: no sink returns them, the ledger file holds none of their texts or hashes, the receipt names every sink; embed skips them', async () => {
    const { work, writer } = setup;
    const table = join(work, 'people');
    const ledger = join(work, 'ledger.db');
    const env = childEnv(work);
    const rows: TicketRow[] = Array.from({ length: 20 }, (_, i) => ({
      id: i + 1,
      body: `customer ${i + 1} (${token}) wrote: my address is ${1000 + i} Elm Street, call me`,
      category: null,
      n: i,
    }));
    await writer.request({ op: 'create', path: table, rows });
    const sinks = sinksOfEveryKind(
      join(work, 'pglite'),
      'people',
      `drift_forget_${token}`,
      model,
      dimensions,
    );
    const drift = async (args: string[], expectCode = 0) => {
      const run = await runDrift([...args, '--ledger', ledger, '--json'], { cwd: work, env });
      expect(run.code, run.stderr).toBe(expectCode);
      return parseJson(run);
    };
    const embedArgs = (uri: string) => [
      'embed',
      '--table',
      table,
      '--text-col',
      'body',
      '--shadow-mode',
      '--sink',
      uri,
    ];
    let sourceId = '';
    const sinkIds: string[] = [];
    for (const sink of sinks) {
      const embedded = await drift(embedArgs(sink.uri));
      expect(embedded).toMatchObject({ status: 'succeeded', rowsEmbedded: 20 });
      sourceId = String(embedded.source);
      sinkIds.push(String(embedded.sink));
    }
    const forgotten = rows.slice(0, 10);
    const hashes = forgotten.map((row) => sha256(row.body!));
    // The check below can fail: before the erasure, the ledger holds the hashes.
    expect(hashes.some((hash) => ledgerBytes(ledger).includes(hash))).toBe(true);

    // Five keys by flag, five from a file.
    writeFileSync(join(work, 'keys.txt'), `${[6, 7, 8, 9, 10].join('\n')}\n`);
    const result = await drift([
      'forget',
      '--table',
      table,
      ...[1, 2, 3, 4, 5].flatMap((key) => ['--key', String(key)]),
      '--keys-from',
      join(work, 'keys.txt'),
      '--reason',
      'request 981',
    ]);
    expect(result).toMatchObject({ status: 'succeeded', keys: 10, pointsDeleted: 30 });
    expect(new Set(result.sinks as string[])).toEqual(new Set(sinkIds));

    const gone = new Set(forgotten.map((row) => pointId(sourceId, String(row.id))));
    for (const sink of sinks) {
      const points = await sink.read();
      expect(points.size, sink.name).toBe(10);
      for (const id of gone) expect(points.has(id), `${sink.name} still has ${id}`).toBe(false);
    }
    const bytes = ledgerBytes(ledger);
    for (const [index, row] of forgotten.entries()) {
      expect(bytes.includes(row.body!), `text of key ${row.id} in the ledger file`).toBe(false);
      expect(bytes.includes(hashes[index]!), `hash of key ${row.id} in the ledger file`).toBe(
        false,
      );
    }
    // The rows not erased keep their hashes.
    expect(bytes.includes(sha256(rows[15]!.body!))).toBe(true);

    const receipt = await drift(['forget', '--table', table, '--receipt', '3']);
    const receipts = receipt.receipts as {
      pointId: string;
      reason: string;
      sinks: { sinkId: string; retrievedAfterDelete: number; wasLive: boolean }[];
    }[];
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.pointId).toBe(pointId(sourceId, '3'));
    expect(receipts[0]!.reason).toBe('request 981');
    expect(new Set(receipts[0]!.sinks.map((sink) => sink.sinkId))).toEqual(new Set(sinkIds));
    for (const sink of receipts[0]!.sinks)
      expect(sink).toMatchObject({ retrievedAfterDelete: 0, wasLive: true });
    expect(JSON.stringify(receipt)).not.toContain(rows[2]!.body!);
    expect(JSON.stringify(receipt)).not.toContain(hashes[2]!);

    // The table still holds the rows: embed skips them, verify does not call them missing.
    const again = await drift(embedArgs(sinks[0]!.uri));
    expect(again).toMatchObject({ status: 'succeeded', rowsForgotten: 10, rowsEmbedded: 0 });
    expect((await sinks[0]!.read()).size).toBe(10);
    const verified = await drift([
      'verify',
      '--table',
      table,
      '--text-col',
      'body',
      '--sink',
      sinks[0]!.uri,
    ]);
    expect(verified).toMatchObject({ inStep: true, forgotten: 10 });

    // Asked explicitly, embed writes them again.
    const included = await drift([...embedArgs(sinks[0]!.uri), '--include-forgotten']);
    expect(included).toMatchObject({ rowsForgotten: 0, rowsEmbedded: 10 });
    expect((await sinks[0]!.read()).size).toBe(20);
  });
});
