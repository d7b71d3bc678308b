import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startFollow } from './cli-follow.js';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  parseJson,
  pythonPath,
  runDrift,
  type TicketRow,
} from './cli-harness.js';
import { expectedPoints, expectSinkEqualsTable, ledgerPointCount } from './cli-state.js';

const rows: TicketRow[] = Array.from({ length: 12 }, (_, index) => ({
  id: index + 1,
  body: `ticket ${index + 1}: my parcel was sent to the wrong address (${'y'.repeat(index)})`,
  category: index % 2 === 0 ? 'shipping' : 'account',
  n: index,
}));

const index = (name: string, sink: string, model = 'openai/text-embedding-3-small') => `
  ${name}:
    source: { table: ./support, textColumn: body }
    embedder: { model: ${model}, shadowMode: true, price: 0.02 }
    sink: ${sink}
`;

describe('a project over time: follow, a moved sink, a removed index, a migration', () => {
  let work: string;
  let writer: DeltaWriter;
  const live = new Map(rows.map((row) => [row.id, row]));
  const started = Date.now();
  const run = async (args: string[]) => {
    const result = await runDrift(args, { cwd: work, env: childEnv(work) });
    console.info(`${((Date.now() - started) / 1000).toFixed(1)} s: drift ${args.join(' ')}`);
    return result;
  };
  const writeProject = (...indexes: string[]) =>
    writeFileSync(
      join(work, 'drift.yaml'),
      `ledger: ./.drift/ledger.db\nindexes:${indexes.join('')}`,
    );
  const sinkUri = (name: string, table = name) => `pglite://${work}/.drift/${name}?table=${table}`;
  let sourceId = '';
  const expectInStep = (uri: string, label: string) =>
    expectSinkEqualsTable(uri, expectedPoints(sourceId, live.values()), label, 'hash');
  const change = async (id: number, body: string) => {
    const row = { ...live.get(id)!, body };
    live.set(id, row);
    await writer.request({ op: 'merge', upserts: [row], deletes: [] });
  };

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-project-life-'));
    writer = new DeltaWriter(pythonPath());
    await writer.request({ op: 'create', path: join(work, 'support'), rows });
  });
  afterAll(() => {
    writer?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('apply --follow keeps two indexes of one table in step in one process; SIGTERM stops it', async () => {
    writeProject(
      index('support', 'pglite://./.drift/support?table=support'),
      index('notes', 'pglite://./.drift/notes?table=notes'),
    );
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(
      /12 rows to embed, 0 points to delete, 0 unchanged; about [\d,]+ tokens, \$0\.\d+, about 0\.\d s at the provider's (1,000,000 tokens|3,000 calls)\/min/,
    );
    const follow = startFollow(['apply', '--follow', '--interval', '1s'], {
      cwd: work,
      env: childEnv(work),
    });
    const waitFor = async (pattern: RegExp, output: () => string) => {
      for (let tries = 0; tries < 600 && !pattern.test(output()); tries++) await sleep(100);
      expect(output()).toMatch(pattern);
    };
    let log = '';
    follow.child?.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(/following 2 indexes of 1 table, one poll per table every 1s/, () => log);
    await change(1, 'ticket 1: the parcel arrived after all');
    await waitFor(/\[support\] .*version 1 applied: 0 inserted, 1 updated/, () => log);
    await waitFor(/\[notes\] .*version 1 applied: 0 inserted, 1 updated/, () => log);
    follow.child?.kill('SIGTERM');
    const ended = await follow.exited;
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stderr).toMatch(/\[support\] .*stopped: 1 versions applied/);
    expect(ended.stderr).toMatch(/\[notes\] .*stopped: 1 versions applied/);
    const status = parseJson(await run(['status', 'support', '--json']));
    sourceId = (status.checkpoints as { sourceId: string }[])[0]!.sourceId;
    expect(sourceId).toMatch(/^delta:/);
    await expectInStep(sinkUri('support'), 'support after follow');
    await expectInStep(sinkUri('notes'), 'notes after follow');
    expect((await run(['plan'])).stdout).toContain('No changes: every index is in step');
  });

  it('a moved sink is a copy at $0; a removed index is dropped only with --destroy', async () => {
    writeProject(
      index('support', 'pglite://./.drift/support2?table=support'),
      index('notes', 'pglite://./.drift/notes?table=notes'),
    );
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(
      /^~ support: sink pglite:\/\/.*\/support\?table=support → pglite:\/\/.*\/support2\?table=support: copy 12 vectors, \$0\.00 \(same model: no re-embed\)$/m,
    );
    expect(plan.stdout).toMatch(/^- pglite:\/\/.*\/support\?table=support: no index .* 12 points/m);
    const copied = await run(['apply']);
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/copied 12 vectors from .*support\?table=support/);
    expect(copied.stderr).toMatch(/- pglite:.*support\?table=support: skipped, its 12 points/);
    expect(copied.stdout).toMatch(/│ support\s+│ copy\s+│ done\s+│\s+0 │/);
    await expectInStep(sinkUri('support2', 'support'), 'the copy');
    const after = await run(['plan']);
    expect(after.stdout).toMatch(/^= support: no changes/m);

    // notes leaves the file: planned as a drop, skipped without --destroy, dropped with it.
    writeProject(index('support', 'pglite://./.drift/support2?table=support'));
    const removed = await run(['plan']);
    expect(removed.stdout).toMatch(/^- pglite:.*notes\?table=notes: .*12 points .*--destroy/m);
    const kept = await run(['apply']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/notes\?table=notes: skipped, its 12 points and ledger rows stay/);
    const ledger = join(work, '.drift/ledger.db');
    const notesId = `pglite://${work}/.drift/notes?table=notes`;
    expect(await ledgerPointCount(ledger, notesId)).toBe(12);
    const destroyed = await run(['apply', '--destroy']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(
      /│ pglite:.*notes\?table=notes\s+│ destroy\s+│ done\s+│\s+- │\s+12 │/,
    );
    expect(await ledgerPointCount(ledger, notesId)).toBe(0);
    expect(await ledgerPointCount(ledger, sinkUri('support'))).toBe(0);
    expect((await run(['plan'])).stdout).toContain('No changes: every index is in step');
    await expectInStep(sinkUri('support2', 'support'), 'support after the destroy');
  });

  it('a migration started by apply shows as in progress, then the index lives in the new sink', async () => {
    const uri = 'pglite://./.drift/support2?table=support';
    writeProject(index('support', uri, 'openai/text-embedding-3-large'));
    const started = await run(['apply', '--allow-migrate']);
    expect(started.code, started.stderr).toBe(0);
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(
      /^= support: no changes to make: a migration to openai\/text-embedding-3-large is in progress/m,
    );
    expect(plan.stdout).toMatch(
      /migration \S+: backfilled since \S+, into pglite:.*support_text_embedding_3_large/,
    );
    expect(plan.stdout).toContain('No changes');
    expect((await run(['apply'])).stdout).toContain('No changes');

    // The table moves: apply keeps both sinks in step (the old model's watch writes both).
    await change(2, 'ticket 2: the address is fixed now');
    const behind = await run(['plan']);
    expect(behind.stdout).toMatch(/^~ support: 1 version behind/m);
    expect((await run(['apply'])).code).toBe(0);
    expect((await run(['plan'])).stdout).toMatch(/^= support: no changes to make/m);

    const ledger = ['--ledger', '.drift/ledger.db'];
    expect((await run(['migrate', 'cutover', '--force', ...ledger])).code).toBe(0);
    expect((await run(['migrate', 'finish', '--yes', ...ledger])).code).toBe(0);
    const finished = await run(['plan']);
    expect(finished.stdout).toMatch(/^= support: no changes/m);
    expect(finished.stdout).toMatch(
      /migrated to pglite:.*support_text_embedding_3_large .*finished/,
    );
    expect(finished.stdout).toContain('No changes: every index is in step');
  });
});
