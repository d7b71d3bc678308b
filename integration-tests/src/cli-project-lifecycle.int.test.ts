import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectWorkspace, projectIndex } from './cli-project-workspace.js';
import { ledgerPointCount } from './cli-state.js';

describe('a project over time: a moved sink, a removed index, a migration', () => {
  let work: ProjectWorkspace;
  beforeAll(async () => {
    work = await ProjectWorkspace.create();
  });
  afterAll(() => work?.close());

  it('a moved sink is a copy at $0; a removed index is dropped only with --destroy', async () => {
    work.writeProject(
      projectIndex('support', 'pglite://./.drift/support?table=support'),
      projectIndex('notes', 'pglite://./.drift/notes?table=notes'),
    );
    expect((await work.run(['apply'])).code).toBe(0);
    work.writeProject(
      projectIndex('support', 'pglite://./.drift/support2?table=support'),
      projectIndex('notes', 'pglite://./.drift/notes?table=notes'),
    );
    const plan = await work.run(['plan']);
    expect(plan.stdout).toMatch(
      /^~ support: sink pglite:\/\/.*\/support\?table=support → pglite:\/\/.*\/support2\?table=support: copy 12 vectors, \$0 \(same model: no re-embed\)$/m,
    );
    expect(plan.stdout).toMatch(/^- pglite:\/\/.*\/support\?table=support: no index .* 12 points/m);
    const copied = await work.run(['apply']);
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/copied 12 vectors from .*support\?table=support/);
    expect(copied.stderr).toMatch(/- pglite:.*support\?table=support: skipped, its 12 points/);
    expect(copied.stdout).toMatch(/│ support\s+│ copy\s+│ done\s+│\s+0 │/);
    await work.expectInStep(work.sinkUri('support2', 'support'), 'the copy');
    expect((await work.run(['plan'])).stdout).toMatch(/^= support: no changes/m);

    // notes leaves the file: planned as a drop, skipped without --destroy, dropped with it.
    work.writeProject(projectIndex('support', 'pglite://./.drift/support2?table=support'));
    const removed = await work.run(['plan']);
    expect(removed.stdout).toMatch(/^- pglite:.*notes\?table=notes: .*12 points .*--destroy/m);
    const kept = await work.run(['apply']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/notes\?table=notes: skipped, its 12 points and ledger rows stay/);
    const ledger = join(work.dir, '.drift/ledger.db');
    expect(await ledgerPointCount(ledger, work.sinkUri('notes'))).toBe(12);
    const destroyed = await work.run(['apply', '--destroy']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(/│ pglite:.*notes\?table=notes\s+│ destroy\s+│ done\s+│/);
    expect(await ledgerPointCount(ledger, work.sinkUri('notes'))).toBe(0);
    expect(await ledgerPointCount(ledger, work.sinkUri('support'))).toBe(0);
    expect((await work.run(['plan'])).stdout).toContain('No changes: every index is in step');
    await work.expectInStep(work.sinkUri('support2', 'support'), 'support after the destroy');
  });

  it('a migration started by apply shows as in progress, then the index lives in the new sink', async () => {
    const uri = 'pglite://./.drift/support2?table=support';
    work.writeProject(projectIndex('support', uri, 'openai/text-embedding-3-large'));
    const started = await work.run(['apply', '--allow-migrate']);
    expect(started.code, started.stderr).toBe(0);
    const plan = await work.run(['plan']);
    expect(plan.stdout).toMatch(
      /^= support: no changes to make: a migration to openai\/text-embedding-3-large is in progress/m,
    );
    expect(plan.stdout).toMatch(
      /migration \S+: backfilled since \S+, into pglite:.*support_text_embedding_3_large/,
    );
    expect(plan.stdout).toContain('No changes');

    // The table moves: apply keeps both sinks in step (the old model's watch writes both).
    await work.change(2, 'ticket 2: the address is fixed now');
    expect((await work.run(['plan'])).stdout).toMatch(/^~ support: 1 version behind/m);
    const caughtUp = await work.run(['apply']);
    expect(caughtUp.code, caughtUp.stderr).toBe(0);
    expect((await work.run(['plan'])).stdout).toMatch(/^= support: no changes to make/m);

    const ledger = ['--ledger', '.drift/ledger.db'];
    const cutover = await work.run(['migrate', 'cutover', '--force', ...ledger]);
    expect(cutover.code, cutover.stderr).toBe(0);
    const finish = await work.run(['migrate', 'finish', '--yes', ...ledger]);
    expect(finish.code, finish.stderr).toBe(0);
    const finished = await work.run(['plan']);
    expect(finished.stdout).toMatch(/^= support: no changes/m);
    expect(finished.stdout).toMatch(
      /migrated to pglite:.*support_text_embedding_3_large .*finished/,
    );
    expect(finished.stdout).toContain('No changes: every index is in step');
  });
});
