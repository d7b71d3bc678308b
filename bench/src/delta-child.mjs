/**
 * One native Delta read in a process of its own (plain Node, no TypeScript loader, as the
 * built CLI runs), for bench/src/delta.ts and bench/src/all.ts. Prints one JSON line:
 * rows, seconds (wall), cpuSeconds, maxRssMb.
 *
 *   node src/delta-child.mjs scan|cdf|cdf-engine <table> <to-version>
 *
 * cdf reads every change as delta-rs does; cdf-engine as the engine does: of an update
 * pre-image only its key (the engine reads nothing else of it, so the rest stays undecoded).
 */
import { createDeltaSource } from '@drift-spark/source-delta';

const [mode, table, versions] = process.argv.slice(2);
const started = performance.now();
const cpuStarted = process.cpuUsage();
const source = createDeltaSource({ path: table });
let rows = 0;
if (mode === 'scan') {
  for await (const batch of source.scan({ columns: ['id', 'text', 'n'], batchSize: 1000 }))
    rows += batch.rows.length;
} else {
  for await (const batch of source.changes({
    columns: ['id', 'text', 'n'],
    fromVersion: 1,
    toVersion: Number(versions),
    batchSize: 1000,
    ...(mode === 'cdf-engine' ? { preimageColumns: ['id'] } : {}),
  }))
    rows += batch.changes.length;
}
const cpu = process.cpuUsage(cpuStarted);
process.stdout.write(
  `${JSON.stringify({
    rows,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
