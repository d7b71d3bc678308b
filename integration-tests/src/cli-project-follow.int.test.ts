import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startFollow } from './cli-follow.js';
import { ProjectWorkspace, projectIndex } from './cli-project-workspace.js';

describe('drift apply --follow', () => {
  let work: ProjectWorkspace;
  beforeAll(async () => {
    work = await ProjectWorkspace.create();
  });
  afterAll(() => work?.close());

  it('keeps two indexes of one table in step in one process, one poll per table; SIGTERM stops it', async () => {
    work.writeProject(
      projectIndex('support', 'pglite://./.drift/support?table=support'),
      projectIndex('notes', 'pglite://./.drift/notes?table=notes'),
    );
    const plan = await work.run(['plan']);
    expect(plan.stdout).toMatch(
      /12 rows to embed, 0 points to delete, 0 unchanged; about [\d,]+ tokens, \$0\.\d+, about 0\.\d s at the provider's (1,000,000 tokens|3,000 calls)\/min/,
    );
    const follow = startFollow(['apply', '--follow', '--interval', '1s'], {
      cwd: work.dir,
      env: work.env(),
    });
    let log = '';
    follow.child?.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const waitFor = async (pattern: RegExp) => {
      for (let tries = 0; tries < 1800 && !pattern.test(log) && !follow.ended; tries++)
        await sleep(100);
      expect(log).toMatch(pattern);
    };
    await waitFor(/following 2 indexes of 1 table, one poll per table every 1s/);
    await work.change(1, 'ticket 1: the parcel arrived after all');
    await waitFor(/\[support\] .*version 1 applied: 0 inserted, 1 updated/);
    await waitFor(/\[notes\] .*version 1 applied: 0 inserted, 1 updated/);
    follow.child?.kill('SIGTERM');
    const ended = await follow.exited;
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stderr).toMatch(/\[support\] .*stopped: 1 versions applied/);
    expect(ended.stderr).toMatch(/\[notes\] .*stopped: 1 versions applied/);
    await work.expectInStep(work.sinkUri('support'), 'support after follow');
    await work.expectInStep(work.sinkUri('notes'), 'notes after follow');
    expect((await work.run(['plan'])).stdout).toContain('No changes: every index is in step');
  });
});
