/**
 * Where PGlite's write rate goes as a table grows (issue 16): the same points written
 * into a new PGlite folder by the sink's `upsert` (batches of 1000, the engine's write
 * size) or by the true ceiling (one binary COPY of (id, vector) per STEP-point slice),
 * with the process's CPU seconds, wall seconds and RSS per slice. CPU per slice is what
 * a loaded machine cannot distort; a flat CPU line with a falling wall rate is load.
 *
 *   pnpm build && cd bench && node --import tsx src/pglite-write-profile.ts sink|ceiling [points] [step]
 * Prints one JSON line per slice: {from, to, cpuS, wallS, rate, rssMb, arrayBuffersMb, heapMb, maxRssMb}.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgliteSink } from '@drift-spark/sink-pgvector';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { dimensions, encodeIdVectorCopy, model, pointsAt } from './embedded-data.js';

const [mode = 'sink', pointsArg = '100000', stepArg = '10000'] = process.argv.slice(2);
const total = Number(pointsArg);
const step = Number(stepArg);
const buffers = process.env.BUFFERS ?? '16MB';
const folder = fileURLToPath(new URL(`../out/pglite-profile-${mode}/`, import.meta.url));
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });

async function writer(): Promise<{
  write(from: number, to: number): Promise<void>;
  close(): Promise<void>;
}> {
  if (mode === 'sink') {
    const sink = createPgliteSink({ dataDir: join(folder, 'db'), table: 'bench', index: 'never' });
    await sink.open({ dimensions, distance: 'cosine', model });
    return {
      async write(from, to) {
        for (let start = from; start < to; start += 1000)
          await sink.upsert(pointsAt(start, Math.min(to, start + 1000)));
      },
      close: () => sink.close(),
    };
  }
  // shared_buffers as the sink sets it (BUFFERS=128MB: PGlite's default).
  const db = await PGlite.create({
    dataDir: join(folder, 'db'),
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffers}`],
  });
  await db.exec(`create extension if not exists vector;
    create table bench (id uuid, embedding vector(${dimensions}))`);
  return {
    async write(from, to) {
      const data = encodeIdVectorCopy(from, to);
      await db.query(`copy bench from '/dev/blob' with (format binary)`, [], {
        blob: new Blob([data as Uint8Array<ArrayBuffer>]),
      });
    },
    close: () => db.close(),
  };
}

const target = await writer();
for (let from = 0; from < total; from += step) {
  const to = Math.min(total, from + step);
  const cpu = process.cpuUsage();
  const began = performance.now();
  await target.write(from, to);
  const wallS = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  const memory = process.memoryUsage();
  console.log(
    JSON.stringify({
      from,
      to,
      cpuS: Math.round((used.user + used.system) / 1e4) / 100,
      wallS: Math.round(wallS * 100) / 100,
      rate: Math.round((to - from) / wallS),
      rssMb: Math.round(memory.rss / 1048576),
      // WASM memory (PGlite's heap) counts as array buffers in V8.
      arrayBuffersMb: Math.round(memory.arrayBuffers / 1048576),
      heapMb: Math.round(memory.heapUsed / 1048576),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}
await target.close();
