import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLedger } from '@drift-spark/ledger';
import { describe, expect, it } from 'vitest';
import { loadProject } from './load-project.js';
import { removedIndexes } from './removed-indexes.js';

const counters = {
  rowsProcessed: 1,
  rowsDeduped: 0,
  rowsEmbedded: 1,
  rowsReused: 0,
  rowsSkipped: 0,
  rowsFailed: 0,
  rowsDeleted: 0,
  tokens: 3,
  costUsd: 0,
};

/** A ledger with one point in each of these sinks, as runs into them leave it. */
async function seedLedger(path: string, sinkIds: string[]): Promise<void> {
  const ledger = createSqliteLedger({ path });
  for (const [n, sinkId] of sinkIds.entries()) {
    const runId = `run-${n}`;
    const base = {
      sourceId: 'delta:t',
      model: 'openai/text-embedding-3-small',
      fingerprint: 'f@1536',
    };
    await ledger.startRun({
      runId,
      kind: 'embed',
      sinkId,
      ...base,
      usdPerMillionTokens: 0,
      priceSource: 'shadow',
      startedAt: new Date(),
    });
    await ledger.commitBatch({
      runId,
      sinkId,
      upserts: [
        {
          pointId: `p${n}`,
          sourceId: 'delta:t',
          key: '1',
          contentHash: 'h',
          fingerprint: 'f@1536',
          model: base.model,
          tokens: 3,
          costUsd: 0,
        },
      ],
      deletes: [],
      failures: [],
      at: new Date(),
    });
    await ledger.finishRun(runId, { status: 'succeeded', counters, finishedAt: new Date() });
  }
  await ledger.close();
}

describe('indexes removed from the file', () => {
  it('are the sinks of the project ledger that no index declares, with their points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-removed-'));
    mkdirSync(join(dir, '.drift'));
    writeFileSync(
      join(dir, 'drift.yaml'),
      'ledger: ./.drift/ledger.db\nindexes:\n  docs:\n    source: { table: ./docs, textColumn: body }\n    embedder: { model: openai/text-embedding-3-small }\n    sink: pglite://./.drift/docs?table=docs\n',
    );
    await seedLedger(join(dir, '.drift', 'ledger.db'), [
      `pglite://${dir}/.drift/docs?table=docs`,
      `pglite://${dir}/.drift/old?table=old`,
    ]);
    const loaded = await loadProject(join(dir, 'drift.yaml'), {}, dir);
    expect(
      await removedIndexes(loaded, {
        cwd: dir,
        env: {},
        stdout: process.stdout,
        stderr: process.stderr,
      }),
    ).toEqual([
      {
        sink: `pglite://${dir}/.drift/old?table=old`,
        model: 'openai/text-embedding-3-small',
        points: 1,
      },
    ]);
    // Without a ledger of its own, the shared ledger's other sinks are not this project's.
    const shared = { ...loaded, project: { ...loaded.project, ledger: undefined } };
    expect(
      await removedIndexes(shared, {
        cwd: dir,
        env: {},
        stdout: process.stdout,
        stderr: process.stderr,
      }),
    ).toEqual([]);
  });
});
