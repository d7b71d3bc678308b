import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
} from './cli-harness.js';

/**
 * Issue 10, item 6: a struct, list, binary, map or number column given as the text column
 * was embedded as "[object Object]" or "104,101,…" (so different values collided). It is
 * refused before anything is written, with one line naming the column and its type.
 */
describe('drift refuses a text column that does not hold text', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let tablePath: string;

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-text-types-'));
    env = childEnv(work);
    tablePath = join(work, 'typed');
    const writer = new DeltaWriter(pythonPath());
    try {
      await writer.request({ op: 'create_typed', path: tablePath });
    } finally {
      writer.close();
    }
  });
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  const args = (command: string, column: string) => [
    command,
    '--table',
    tablePath,
    '--text-col',
    column,
    '--shadow-mode',
    '--sink',
    `pglite://${join(work, `sink-${column}`)}?table=t`,
    '--ledger',
    join(work, 'ledger.db'),
  ];

  const columns: [string, string][] = [
    ['meta', 'struct<a:string,b:long>'],
    ['tags', 'array<string>'],
    ['raw', 'binary'],
    ['attrs', 'map<string,string>'],
    ['n', 'long'],
  ];

  it.each(columns)('embed and watch refuse the %s column (%s)', async (column, type) => {
    for (const command of ['embed', 'watch']) {
      const run = await runDrift(args(command, column), { cwd: work, env });
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^drift: /);
      expect(lines[0]).toContain(`The text column "${column}"`);
      expect(lines[0]).toContain(`is of type ${type}, not a string`);
      expect(lines[0]).toMatch(/--text-col/);
      expect(run.code, `${command} ${column}`).toBe(2);
      expect(run.stdout).not.toMatch(/embedded/);
      // Nothing was written: no sink store was created.
      expect(existsSync(join(work, `sink-${column}`)), `${command} ${column}: sink`).toBe(false);
    }
  });

  it('the string column of the same table embeds', async () => {
    const run = await runDrift([...args('embed', 'body'), '--json'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run)).toMatchObject({ status: 'succeeded', rowsEmbedded: 2 });
  });
});
