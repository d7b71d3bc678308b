import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeroCounters } from '@drift-spark/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteLedger, type SqliteLedger } from './sqlite-ledger.js';

const source = 'delta:11111111-2222-3333-4444-555555555555';
const sinkA = 'pglite:///data/a?table=docs';
const sinkB = 'pglite:///data/a?table=docs_titan';

let dir: string;
let ledger: SqliteLedger;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drift-ledger-migrations-'));
  ledger = createSqliteLedger({ path: join(dir, 'ledger.db') });
});

afterEach(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(id = 'm1') {
  return ledger.migrations.create({
    id,
    sourceId: source,
    fromSinkId: sinkA,
    fromModel: 'openai/text-embedding-ada-002',
    toSinkId: sinkB,
    toModel: 'bedrock/amazon.titan-embed-text-v2:0',
    aliasName: 'docs_live',
    backfillVersion: 7,
    options: { textColumn: 'body', password: 'hunter2' },
    createdAt: new Date(1_000),
  });
}

describe('SQLite ledger: migrations', () => {
  it('records a migration, its steps, and refuses a step from the wrong state', async () => {
    const created = await start();
    expect(created).toMatchObject({ state: 'planned', backfillVersion: 7, aliasName: 'docs_live' });
    // Secrets in options never reach the ledger.
    expect(created.options).toEqual({ textColumn: 'body' });
    await ledger.migrations.update('m1', { state: 'backfilling' }, ['planned']);
    await expect(
      ledger.migrations.update('m1', { state: 'cut-over' }, ['backfilled']),
    ).rejects.toThrow(/is backfilling, not backfilled/);
    const updated = await ledger.migrations.update('m1', {
      evalResults: { k: 10, overlap: 0.5 },
      adapterHash: 'abc',
    });
    expect(updated).toMatchObject({ state: 'backfilling', adapterHash: 'abc' });
    expect(updated.evalResults).toEqual({ k: 10, overlap: 0.5 });
    expect((await ledger.migrations.steps('m1')).map((step) => step.state)).toEqual([
      'planned',
      'backfilling',
    ]);
  });

  it('lists open migrations by either sink', async () => {
    await start('m1');
    expect((await ledger.migrations.list({ sinkId: sinkB, open: true })).map((m) => m.id)).toEqual([
      'm1',
    ]);
    await ledger.migrations.update('m1', { state: 'finished' });
    expect(await ledger.migrations.list({ sinkId: sinkA, open: true })).toEqual([]);
    expect(await ledger.migrations.list({ sourceId: source })).toHaveLength(1);
  });

  it('adds spend without points (adapter samples) to cost by run and by model', async () => {
    await start();
    await ledger.startRun({
      runId: 'r-sample',
      kind: 'migrate',
      sourceId: source,
      sinkId: sinkB,
      model: 'bedrock/amazon.titan-embed-text-v2:0',
      fingerprint: 'bedrock/amazon.titan-embed-text-v2:0@1024',
      usdPerMillionTokens: 20,
      priceSource: 'test',
      startedAt: new Date(),
    });
    await ledger.migrations.linkRun('m1', 'r-sample', 'sampling');
    for (const [model, tokens] of [
      ['openai/text-embedding-ada-002', 100],
      ['bedrock/amazon.titan-embed-text-v2:0', 120],
    ] as const)
      await ledger.migrations.recordSpend({
        runId: 'r-sample',
        sinkId: sinkB,
        sourceId: source,
        model,
        tokens,
        costUsd: tokens / 1e6,
        embeddings: 10,
        at: new Date(),
      });
    await ledger.finishRun('r-sample', {
      status: 'succeeded',
      counters: { ...zeroCounters(), tokens: 220, costUsd: 220 / 1e6 },
      finishedAt: new Date(),
    });
    expect(await ledger.cost({ by: 'run' })).toEqual([
      { group: 'r-sample', tokens: 220, costUsd: 220 / 1e6, embeddings: 20, runs: 1 },
    ]);
    expect((await ledger.cost({ by: 'model' })).map((row) => [row.group, row.tokens])).toEqual([
      ['bedrock/amazon.titan-embed-text-v2:0', 120],
      ['openai/text-embedding-ada-002', 100],
    ]);
    expect(await ledger.migrations.runs('m1')).toEqual([{ runId: 'r-sample', role: 'sampling' }]);
  });
});
