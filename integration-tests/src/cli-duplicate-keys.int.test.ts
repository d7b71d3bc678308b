import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJson, type TicketRow } from './cli-harness.js';
import { expectedPoints, readSink } from './cli-state.js';
import { useCliWorkspace, withDeltaWriter } from './cli-workspace.js';

/**
 * Issue 10, item 7: duplicate keys in one snapshot were silently reduced to the last row
 * and counted as "unchanged". Drift now warns with a count (`duplicateKeys` in --json);
 * the last row read of each key is the one embedded.
 */
describe('drift warns about duplicate keys in a snapshot', () => {
  const space = useCliWorkspace('duplicates');
  let tablePath: string;
  // Key 2 three times, key 4 twice; delta-rs writes one file in this order.
  const rows: TicketRow[] = [
    { id: 1, body: 'one', category: null, n: 1 },
    { id: 2, body: 'two, first', category: null, n: 2 },
    { id: 3, body: 'three', category: null, n: 3 },
    { id: 2, body: 'two, second', category: null, n: 2 },
    { id: 4, body: 'four', category: null, n: 4 },
    { id: 2, body: 'two, last', category: null, n: 2 },
    { id: 4, body: 'four', category: null, n: 4 },
  ];

  beforeAll(async () => {
    tablePath = join(space.work, 'dups');
    await withDeltaWriter((writer) => writer.request({ op: 'create', path: tablePath, rows }));
  });

  const args = (command: string, sink: string, ...extra: string[]) => [
    command,
    '--table',
    tablePath,
    '--text-col',
    'body',
    '--shadow-mode',
    '--sink',
    `pglite://${join(space.work, sink)}?table=t`,
    '--ledger',
    join(space.work, `${sink}.db`),
    ...extra,
  ];

  it('embed counts them in --json, says so on stderr without it, and keeps the last row of each key', async () => {
    const plan = await space.drift(args('embed', 'sink-plan', '--dry-run', '--json'));
    expect(parseJson(plan)).toMatchObject({ dryRun: true, duplicateKeys: 3 });

    const json = await space.drift(args('embed', 'sink-json', '--json'));
    expect(json.code, json.stderr).toBe(0);
    const result = parseJson(json);
    expect(result).toMatchObject({ status: 'succeeded', duplicateKeys: 3, rowsFailed: 0 });

    const winners = new Map(rows.map((row) => [row.id, row]));
    const expected = expectedPoints(String(result.source), winners.values());
    const actual = await readSink(
      `pglite://${join(space.work, 'sink-json')}?table=t`,
      'openai/text-embedding-3-small',
      1536,
    );
    expect(actual).toEqual(expected);
    expect(actual.size).toBe(4);

    const human = await space.drift(args('embed', 'sink-human'));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(
      /warning: 3 rows repeat the key of an earlier row \(e\.g\. 2, 4\): .*last row read .*--key-col/,
    );
  });

  it('a watch that bootstraps from the snapshot counts them too; the change feed after it does not', async () => {
    const first = parseJson(await space.drift(args('watch', 'sink-watch', '--json')));
    expect(first).toMatchObject({ bootstrapped: true, duplicateKeys: 3 });
    const idle = parseJson(await space.drift(args('watch', 'sink-watch', '--json')));
    expect(idle).toMatchObject({ bootstrapped: false, duplicateKeys: 0, rowsProcessed: 0 });
  });
});
