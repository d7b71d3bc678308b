/**
 * A second process for the multi-process tests (run with `node --import tsx`): takes a
 * run on the ledger file, writes batches, and either finishes or, in `hold` mode, says
 * `ready` and waits to be killed.
 */
import { contentHash, pointId } from '@drift-spark/core';
import { createSqliteLedger } from './sqlite-ledger.js';

interface ChildOptions {
  path: string;
  runId: string;
  sourceId: string;
  sinkId: string;
  batches: number;
  batchSize: number;
  mode: 'finish' | 'hold';
}

const options = JSON.parse(process.argv[2]!) as ChildOptions;
const ledger = createSqliteLedger({ path: options.path });
const fingerprint = 'shadow/test@8';

try {
  await ledger.startRun({
    runId: options.runId,
    kind: 'embed',
    sourceId: options.sourceId,
    sinkId: options.sinkId,
    model: 'shadow/test',
    fingerprint,
    usdPerMillionTokens: 1,
    priceSource: 'test',
    startedAt: new Date(),
  });
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ error: (error as { code?: string }).code, message: (error as Error).message })}\n`,
  );
  process.exit(3);
}

let tokens = 0;
for (let batch = 0; batch < options.batches; batch++) {
  const upserts = Array.from({ length: options.batchSize }, (_, offset) => {
    const key = String(batch * options.batchSize + offset);
    tokens += 5;
    return {
      pointId: pointId(options.sourceId, key),
      sourceId: options.sourceId,
      key,
      contentHash: contentHash(`${options.runId} ${key}`),
      fingerprint,
      model: 'shadow/test',
      tokens: 5,
      costUsd: 5 / 1e6,
    };
  });
  await ledger.commitBatch({
    runId: options.runId,
    sinkId: options.sinkId,
    upserts,
    deletes: [],
    failures: [],
    at: new Date(),
  });
}

if (options.mode === 'hold') {
  process.stdout.write('ready\n');
  setInterval(() => {}, 1000);
} else {
  await ledger.finishRun(options.runId, {
    status: 'succeeded',
    counters: {
      rowsProcessed: tokens / 5,
      rowsDeduped: 0,
      rowsEmbedded: tokens / 5,
      rowsReused: 0,
      rowsSkipped: 0,
      rowsFailed: 0,
      rowsDeleted: 0,
      tokens,
      costUsd: tokens / 1e6,
    },
    finishedAt: new Date(),
  });
  await ledger.close();
  process.stdout.write('done\n');
}
