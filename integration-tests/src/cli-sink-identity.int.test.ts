import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dimensions, model, shadowArgs } from './cli-args.js';
import { type DriftRun, parseJson, repoRoot } from './cli-harness.js';
import { readSink } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

const tickets = `${repoRoot}examples/tickets`;

// The ledger keys dedup and checkpoints on the sink id, so a URI that names other storage
// must give another id, and a store that starts empty in every process none to trust.
describe('which sink a URI names, through the built drift binary', () => {
  const space = useCliWorkspace('identity', { services: ['DATABASE_URL'] });
  let ledger: string;
  /** Points a fresh sink receives from the example table (texts shared by rows are reused). */
  let points = 0;
  const written = (result: Record<string, unknown>) =>
    Number(result.rowsEmbedded) + Number(result.rowsReused);
  const embed = (sink: string, ...more: string[]) =>
    space.drift(
      shadowArgs('embed', tickets, '--sink', sink, '--ledger', ledger, '--json', ...more),
    );
  const succeeded = (run: DriftRun) => {
    expect(run.code, run.stderr).toBe(0);
    return parseJson(run);
  };

  beforeAll(async () => {
    const { work } = space;
    ledger = join(work, 'ledger.db');
    // How many points the example table makes: what a fresh sink must receive.
    points = written(succeeded(await embed('pglite://memory?table=count')));
    expect(points).toBeGreaterThan(10);
  });

  async function expectTwoSchemas(base: string): Promise<void> {
    const s1 = `${base}&schema=s1`;
    const s2 = `${base}&schema=s2`;
    const first = succeeded(await embed(s1));
    expect([written(first), first.rowsDeduped]).toEqual([points, 0]);
    const second = succeeded(await embed(s2));
    expect(second.sink).not.toBe(first.sink);
    expect([written(second), second.rowsDeduped]).toEqual([points, 0]);
    expect((await readSink(s2, model, dimensions)).size).toBe(points);
    expect((await readSink(s1, model, dimensions)).size).toBe(points);
    // The same schema again is the same sink: nothing to do.
    const again = succeeded(await embed(s2));
    expect([written(again), again.rowsDeduped]).toEqual([0, points]);
  }

  it('PostgreSQL: the same table name in two schemas is two sinks', async () => {
    const table = `drift_identity_${process.pid}_${Date.now()}`;
    await expectTwoSchemas(`${process.env.DATABASE_URL!.replace(/\?.*$/, '')}?table=${table}`);
  });

  it('PGlite: the same table name in two schemas is two sinks', async () => {
    await expectTwoSchemas(`pglite://${join(space.work, 'schemas')}?table=tickets`);
  });

  it('pglite://memory starts empty in every process, so every run embeds every row', async () => {
    const sink = 'pglite://memory?table=tickets';
    for (let run = 0; run < 2; run++) {
      const result = succeeded(await embed(sink));
      expect([written(result), result.rowsDeduped]).toEqual([points, 0]);
    }
    // A watch resumes after the last embed of a persistent sink; this one has nothing to resume.
    const watched = succeeded(
      await space.drift(shadowArgs('watch', tickets, '--sink', sink, '--ledger', ledger, '--json')),
    );
    expect([written(watched), watched.rowsDeduped]).toEqual([points, 0]);
  });

  it('a damaged PGlite folder is one line naming the folder and what to do, and exit 1', async () => {
    const folder = join(space.work, 'damaged');
    const sink = `pglite://${folder}?table=tickets`;
    succeeded(await embed(sink));
    writeFileSync(join(folder, 'global', 'pg_control'), 'not a control file');
    const run = await embed(sink);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^drift: The PGlite folder ${folder} cannot be opened: .*Move it aside .*or delete it`,
      ),
    );
    expect(run.stderr).not.toMatch(/Aborted\(\)|-sASSERTIONS|\n\s+at /);
    expect(run.code).toBe(1);
    // The failed open let the folder go: moved aside, the next run starts a new one.
    expect(existsSync(`${folder}.drift-lock`)).toBe(false);
    renameSync(folder, `${folder}.broken`);
    expect(written(succeeded(await embed(sink, '--no-dedup')))).toBe(points);
    expect((await readSink(sink, model, dimensions)).size).toBe(points);
  });
});
