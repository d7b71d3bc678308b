import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from './cli-harness.js';
import { useCliWorkspace, withDeltaWriter } from './cli-workspace.js';

/**
 * Issue 10, item 6: a struct, list, binary, map or number column given as the text column
 * was embedded as "[object Object]" or "104,101,…" (so different values collided). It is
 * refused before anything is written, with one line naming the column and its type.
 */
describe('drift refuses a text column that does not hold text', () => {
  const space = useCliWorkspace('text-types');
  let tablePath: string;

  beforeAll(async () => {
    tablePath = join(space.work, 'typed');
    await withDeltaWriter((writer) => writer.request({ op: 'create_typed', path: tablePath }));
  });

  const args = (command: string, column: string) => [
    command,
    '--table',
    tablePath,
    '--text-col',
    column,
    '--shadow-mode',
    '--sink',
    `pglite://${join(space.work, `sink-${column}`)}?table=t`,
    '--ledger',
    join(space.work, 'ledger.db'),
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
      const run = await space.drift(args(command, column));
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^drift: /);
      expect(lines[0]).toContain(`The text column "${column}"`);
      expect(lines[0]).toContain(`is of type ${type}, not a string`);
      expect(lines[0]).toMatch(/--text-col/);
      expect(run.code, `${command} ${column}`).toBe(2);
      expect(run.stdout).not.toMatch(/embedded/);
      // Nothing was written: no sink store was created.
      expect(existsSync(join(space.work, `sink-${column}`)), `${command} ${column}: sink`).toBe(
        false,
      );
    }
  });

  it('the string column of the same table embeds', async () => {
    const run = await space.drift([...args('embed', 'body'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run)).toMatchObject({ status: 'succeeded', rowsEmbedded: 2 });
  });
});
