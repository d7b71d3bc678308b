import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  parseJson,
  pythonPath,
  runDrift,
  type TicketRow,
} from './cli-harness.js';
import { expectedPoints, readSink } from './cli-state.js';

const rows: TicketRow[] = Array.from({ length: 12 }, (_, index) => ({
  id: index + 1,
  body: `ticket ${index + 1}: the invoice was charged twice and the refund never came (${'x'.repeat(index)})`,
  category: index % 2 === 0 ? 'billing' : 'account',
  n: index,
}));

describe('a project file: drift init, plan and apply through the built binary', () => {
  let work: string;
  let writer: DeltaWriter;
  const started = Date.now();
  const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const result = await runDrift(args, { cwd: work, env: childEnv(work, extra) });
    console.info(`${((Date.now() - started) / 1000).toFixed(1)} s: drift ${args.join(' ')}`);
    return result;
  };
  const edit = (from: string | RegExp, to: string) => {
    const file = join(work, 'drift.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(from);
    writeFileSync(file, text.replace(from, to));
  };

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-project-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('init, plan, apply, no changes, a table change, a stale plan, a model change, an invalid file', async () => {
    await writer.request({ op: 'create', path: join(work, 'support'), rows });

    const init = await run(['init', '--table', './support']);
    expect(init.code, init.stderr).toBe(0);
    const starter = readFileSync(join(work, 'drift.yaml'), 'utf8');
    expect(starter).toContain('keyColumns: [id]');
    expect(starter).toContain('textColumn: body');
    edit('# price: 0.02', 'price: 0.02');

    const first = await run(['plan']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\+ support: new index, a full embed/m);
    expect(first.stdout).toMatch(/12 rows to embed, 0 points to delete/);
    expect(first.stdout).toMatch(/Total: about \$0\.0000\d+/);

    const apply = await run(['apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/│ support\s+│ create\s+│ done\s+│\s+12 │\s+0 │/);
    expect((await run(['plan'])).stdout).toContain('No changes: every index is in step');

    // One commit: 1 inserted, 2 updated (new text), 1 deleted.
    const changed = [
      { ...rows[0]!, body: 'ticket 1: the refund arrived, thank you' },
      { ...rows[1]!, body: 'ticket 2: please close my account' },
    ];
    const added = {
      id: 100,
      body: 'ticket 100: cannot log in after the update',
      category: 'account',
      n: 0,
    };
    await writer.request({ op: 'merge', upserts: [...changed, added], deletes: [3] });
    const behind = await run(['plan']);
    expect(behind.stdout).toMatch(/^~ support: 1 version behind \(checkpoint 0, table 1\)/m);
    expect(behind.stdout).toMatch(
      /1 inserted, 2 updated, 1 deleted: 3 rows to embed, 1 point to delete/,
    );
    const planJson = parseJson(await run(['plan', '--json', '--out', 'plan.json']));
    const planned = (planJson.indexes as Record<string, unknown>[])[0]!;
    expect(planned).toMatchObject({ action: 'update', rowsToEmbed: 3, rowsToDelete: 1 });
    expect(planned.costUsd as number).toBeGreaterThan(0);

    // The table moves after the plan was saved: applying it is refused, nothing runs.
    await writer.request({
      op: 'append',
      rows: [{ id: 101, body: 'ticket 101: late delivery', category: 'billing', n: 1 }],
    });
    const stale = await run(['apply', '--plan', 'plan.json']);
    expect(stale.code, stale.stderr).toBe(2);
    expect(stale.stderr).toMatch(
      /^drift: plan\.json is stale: the table of index support moved from version 1 to 2\. Run drift plan --out plan\.json again/,
    );

    // A fresh plan applies; the sink then holds exactly the table's rows.
    const applied = parseJson(await run(['apply', '--json']));
    expect(applied).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const result = (applied.indexes as { result: Record<string, unknown> }[])[0]!.result;
    expect(result).toMatchObject({
      rowsEmbedded: 4,
      rowsDeleted: 1,
      inserted: 2,
      updated: 2,
      deleted: 1,
    });
    const live = [
      ...changed,
      added,
      { id: 101, body: 'ticket 101: late delivery', category: 'billing', n: 1 },
      ...rows.slice(3),
    ];
    const points = await readSink(
      `pglite://${work}/.drift/support?table=support`,
      'openai/text-embedding-3-small',
      1536,
    );
    expect(new Map([...points].map(([id, point]) => [id, point.contentHash]))).toEqual(
      new Map(
        [...expectedPoints(String(result.source), live)].map(([id, point]) => [
          id,
          point.contentHash,
        ]),
      ),
    );
    expect((await run(['plan'])).stdout).toContain('No changes');

    // Existing commands read the project file: no URIs.
    const status = parseJson(await run(['status', '--json']));
    expect(status).toMatchObject({ sinkPoints: live.length, ledgerPoints: live.length });
    const search = await run(['search', 'support', 'cannot log in', '--k', '1', '--json']);
    expect(search.code, search.stderr).toBe(0);
    const found = parseJson(search) as { sink: string; hits: unknown[] };
    expect(found.sink).toContain('/.drift/support?table=support');
    expect(found.hits).toHaveLength(1);

    // A model change is a migration: planned as drift migrate plan says, refused by apply without --allow-migrate.
    edit('model: openai/text-embedding-3-small', 'model: openai/text-embedding-3-large');
    const migration = await run(['plan']);
    expect(migration.stdout).toMatch(
      /^~ support: migration: model openai\/text-embedding-3-small → openai\/text-embedding-3-large/m,
    );
    expect(migration.stdout).toMatch(/a full re-embed into .*: 13 texts/);
    const refused = await run(['apply']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      /never writes the new model's vectors into the old index; run drift apply --allow-migrate/,
    );

    // An invalid file fails before anything runs: the file, the line and the field, exit 2.
    edit('      textColumn: body', '      textColumn: body\n      textColum: body');
    const unknown = await run(['plan']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'drift: drift.yaml:15: indexes.support.source.textColum: unknown key "textColum"\n',
    );
    edit(/ {6}textColum: body[^\n]*\n/, '');
    edit(/sink: pglite:\S+/, `sink: qdrant://localhost:6333/\${env:DRIFT_TEST_COLLECTION}`);
    const missing = await run(['apply']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^drift: drift\.yaml:\d+: indexes\.support\.sink: environment variable DRIFT_TEST_COLLECTION is not set\n$/,
    );
  });
});
