import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, parseJson, runDrift, seededRandom } from './cli-harness.js';
import { readQdrantCollection } from './cli-qdrant.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

const modelA = 'openai/text-embedding-ada-002';
const modelB = 'bedrock/amazon.titan-embed-text-v2:0';

/** What an application querying the alias sees: the model of its points, and how many. */
async function throughAlias(url: string, alias: string) {
  const points = await fetch(`${url}/collections/${alias}/points/scroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 1, with_payload: true }),
  });
  const count = await fetch(`${url}/collections/${alias}/points/count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ exact: true }),
  });
  return {
    model: ((await points.json()) as { result: { points: { payload: { model: string } }[] } })
      .result.points[0]?.payload.model,
    count: ((await count.json()) as { result: { count: number } }).result.count,
  };
}

describe('drift migrate on Qdrant: the collection alias follows cutover and rollback', () => {
  const setup = useCliWorkspace('migrate-qdrant', { services: ['QDRANT_URL'], writer: true });

  it('migrates, keeps both collections equal to the table, moves the alias and drops the old collection', async () => {
    const { work, writer } = setup;
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-migrate-qdrant seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const url = process.env.QDRANT_URL!.replace(/\/+$/, '');
    const base = url.replace(/^http:/, 'qdrant:');
    const [collectionA, collectionB, alias] = [`mig_${seed}`, `mig_${seed}_b`, `mig_${seed}_live`];
    const tablePath = join(work, 'tickets');
    const env = childEnv(work);
    const ledger = join(work, 'ledger.db');
    const drift = (args: string[]) => runDrift([...args, '--ledger', ledger], { cwd: work, env });
    const table = new RandomTable(seededRandom(seed), writer);
    await table.create(tablePath, 300);
    const common = ['--table', tablePath, '--text-col', 'body', '--shadow-mode'];
    /** `embed` or `watch` of the table into collection A, with model A. */
    const intoA = (command: string) =>
      drift([command, ...common, '--model', modelA, '--sink', `${base}/${collectionA}`, '--json']);
    const embedded = await intoA('embed');
    expect(embedded.code, embedded.stderr).toBe(0);
    const sourceId = parseJson(embedded).source as string;
    const started = await drift([
      'migrate',
      'start',
      ...common,
      '--from',
      `${base}/${collectionA}`,
      '--to-model',
      modelB,
      '--to-sink',
      `${base}/${collectionB}`,
      '--alias',
      alias,
      '--json',
    ]);
    expect(started.code, started.stderr).toBe(0);
    expect(await throughAlias(url, alias)).toMatchObject({ model: modelA });

    await table.bulkMerge(20, 15, 10);
    const watched = await intoA('watch');
    expect(watched.code, watched.stderr).toBe(0);
    const truth = [...expectedPoints(sourceId, table.rows.values())].map(
      ([id, point]) => [id, { key: point.key, contentHash: point.contentHash }] as const,
    );
    const sorted = (points: Map<string, unknown>) =>
      [...points].sort(([a], [b]) => (a < b ? -1 : 1));
    const expected = truth.sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sorted(await readQdrantCollection(url, collectionA))).toEqual(expected);
    expect(sorted(await readQdrantCollection(url, collectionB))).toEqual(expected);

    expect((await drift(['migrate', 'eval', '--samples', '10', '--k', '5'])).code).toBe(0);
    expect((await drift(['migrate', 'cutover'])).code).toBe(0);
    expect(await throughAlias(url, alias)).toEqual({ model: modelB, count: expected.length });
    expect((await drift(['migrate', 'rollback'])).code).toBe(0);
    expect(await throughAlias(url, alias)).toEqual({ model: modelA, count: expected.length });
    expect((await drift(['migrate', 'cutover'])).code).toBe(0);
    const finished = await drift(['migrate', 'finish', '--yes']);
    expect(finished.code, finished.stderr).toBe(0);
    const exists = await fetch(`${url}/collections/${collectionA}/exists`);
    expect(((await exists.json()) as { result: { exists: boolean } }).result.exists).toBe(false);
    expect(await throughAlias(url, alias)).toEqual({ model: modelB, count: expected.length });
  }, 240_000);
});
