/**
 * What grows while LanceDB appends, without Drift's engine: <rows> points of <dimensions>
 * appended in `add` calls of ROWS_PER_ADD rows (default 1000, the engine's write size)
 * through one Table handle, with a Session of INDEX_MIB / META_MIB (128 / 32, the sink's).
 * SESSION=argument passes it as connect()'s third argument, which 0.37.1 ignores (the
 * sink's bug until 2026-11-30); REOPEN_EVERY=<rows> reopens the Table handle. Every 100k
 * rows: RSS (anonymous / file-backed), V8 heap, the session's size and the table version.
 *
 *   node --import tsx src/lancedb-growth.ts <rows> <dimensions> <work-dir>
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, Session } from '@lancedb/lancedb';
import { driftSchema, pointsToArrow } from '../../packages/sink-lancedb/src/lancedb-arrow.js';

const [rowsArg, dimensionsArg, work] = process.argv.slice(2) as [string, string, string];
const rows = Number(rowsArg);
const dimensions = Number(dimensionsArg);
const perAdd = Number(process.env.ROWS_PER_ADD ?? 1000);
const reopenEvery = Number(process.env.REOPEN_EVERY ?? 0);
const mib = (name: string, fallback: number) =>
  BigInt(Number(process.env[name] ?? fallback) * 2 ** 20);
const model = 'openai/text-embedding-3-small';

/** RssAnon and RssFile of this process, in MiB. */
function rssParts(): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const found = /^(Rss(?:Anon|File)):\s+(\d+)/.exec(line);
    if (found) parts[found[1]!] = Math.round(Number(found[2]) / 1024);
  }
  return parts;
}

mkdirSync(work, { recursive: true });
process.env.LANCE_IO_THREADS ??= '2';
const session = new Session(mib('INDEX_MIB', 128), mib('META_MIB', 32));
const uri = join(work, `growth_${process.pid}`);
const db =
  process.env.SESSION === 'argument'
    ? await connect(uri, {}, session)
    : await connect(uri, { session });
const schema = driftSchema(dimensions, model);
let table = await db.createEmptyTable('t', schema, { mode: 'create' });
const vector = new Float32Array(dimensions).fill(0.1);
const started = performance.now();
for (let start = 0; start < rows; start += perAdd) {
  const points = Array.from({ length: Math.min(perAdd, rows - start) }, (_, index) => ({
    id: randomUUID(),
    vector,
    payload: {
      key: String(start + index),
      source: 'delta:bench',
      content: `row ${start + index}: a support ticket about a delayed refund`,
      content_hash: 'x'.repeat(64),
      model,
      run_id: 'bench',
      metadata: null,
    },
  }));
  await table.add(pointsToArrow(points, schema, dimensions, true));
  const done = start + points.length;
  if (reopenEvery > 0 && done % reopenEvery === 0) {
    table.close();
    table = await db.openTable('t');
  }
  if (done % 100_000 === 0 || done === rows) {
    const usage = process.memoryUsage();
    const line = {
      rows: done,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      rssMb: Math.round(usage.rss / 2 ** 20),
      ...rssParts(),
      heapMb: Math.round(usage.heapUsed / 2 ** 20),
      sessionMb: Math.round(Number(session.sizeBytes()) / 2 ** 20),
      version: await table.version(),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
process.stdout.write(`${JSON.stringify({ peakMb: process.resourceUsage().maxRSS >> 10 })}\n`);
