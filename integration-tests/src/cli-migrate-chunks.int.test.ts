import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dimensions, model, shadowArgs } from './cli-args.js';
import { documentOf, documentTable, expectChunksOf, readChunkPoints } from './cli-chunk-points.js';
import { parseJson } from './cli-harness.js';
import { query } from './cli-pg-query.js';
import { useCliWorkspace } from './cli-workspace.js';

// Model B of another dimension and another tokenizer: its chunks are cut with its own counts.
const modelB = { model: 'bedrock/amazon.titan-embed-text-v2:0', dimensions: 1024 };
const chunk = ['--chunk', 'markdown:200'];

describe('drift migrate of a chunked sink, through the built binary', () => {
  const space = useCliWorkspace('migrate-chunks', { writer: true, services: ['DATABASE_URL'] });

  it('backfill, dual-write watch, gate, repair, cutover, rollback and finish keep each sink equal to the table in chunks', async () => {
    const { work, writer } = space;
    const table = join(work, 'docs');
    const { documents, bodies, rows } = documentTable([1, 2, 3]);
    await writer.request({ op: 'create', path: table, rows: rows() });
    const base = process.env.DATABASE_URL!.replace(/\?.*$/, '');
    const name = `chunks_${Math.random().toString(36).slice(2, 8)}`;
    const [sinkA, sinkB, view] = [
      `${base}?table=${name}`,
      `${base}?table=${name}_b`,
      `${name}_live`,
    ];
    const ledger = ['--ledger', join(work, 'ledger.db')];
    const drift = (...args: string[]) => space.drift([...args, ...ledger]);
    const json = (...args: string[]) => space.driftJson([...args, ...ledger]);
    const watchA = (...flags: string[]) =>
      drift(
        ...shadowArgs('watch', table, '--sink', sinkA, '--metadata-col', 'category'),
        ...flags,
        '--json',
      );
    const migrate = (step: string, ...flags: string[]) => drift('migrate', step, ...flags);
    /** Each sink holds exactly the chunks of the current documents, as verify cuts them. */
    const expectBothChunked = async () => {
      for (const [uri, as] of [
        [sinkA, { model, dimensions }],
        [sinkB, modelB],
      ] as const) {
        const points = await readChunkPoints(uri, as);
        expectChunksOf(points, bodies());
        const verified = await json(
          'verify',
          '--table',
          table,
          '--text-col',
          'body',
          '--sink',
          uri,
          '--json',
        );
        expect(verified).toMatchObject({
          inStep: true,
          sinkPoints: points.size,
          tableRows: points.size,
        });
      }
    };

    expect(
      await json(
        ...shadowArgs(
          'embed',
          table,
          '--sink',
          sinkA,
          '--metadata-col',
          'category',
          ...chunk,
          '--json',
        ),
      ),
    ).toMatchObject({ status: 'succeeded' });
    const startFlags = [
      ...['--table', table, '--text-col', 'body', '--metadata-col', 'category', '--from', sinkA],
      ...[
        '--to-model',
        modelB.model,
        '--to-sink',
        sinkB,
        '--alias',
        view,
        '--shadow-mode',
        '--json',
      ],
    ];
    const plan = parseJson(await migrate('plan', ...startFlags));
    const chunksOfA = (await readChunkPoints(sinkA)).size;
    // The plan counts chunks (cut with model B), not the three rows.
    expect((plan.reembed as { rowsToEmbed: number }).rowsToEmbed).toBeGreaterThan(
      documents.size * 3,
    );
    const started = await migrate('start', ...startFlags);
    expect(started.code, started.stderr).toBe(0);
    expect(parseJson(started).state).toBe('backfilled');
    await expectBothChunked();
    expect(chunksOfA).toBeGreaterThan(documents.size * 3);

    // One paragraph of a long document edited, a document deleted: one watch writes both sinks.
    const parts = documents.get(2)!;
    parts[parts.length - 2] = documentOf(99)[1]!;
    await writer.request({ op: 'set_body', ids: [2], body: parts.join('\n\n') });
    await writer.request({ op: 'delete', ids: [3] });
    documents.delete(3);
    // Another --chunk than the migration's is refused before anything is written; without
    // --chunk, watch cuts rows as the sink's last run did (the migration's spec).
    const refused = await watchA('--chunk', 'sentences:2');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/run drift watch with --chunk markdown:200/);
    const watched = await watchA();
    expect(watched.code, watched.stderr).toBe(0);
    const { rowsEmbedded, migration } = parseJson(watched) as {
      rowsEmbedded: number;
      migration: { rowsEmbedded: number; deleted: number };
    };
    for (const paid of [rowsEmbedded, migration.rowsEmbedded]) {
      expect(paid).toBeGreaterThanOrEqual(1);
      expect(paid).toBeLessThanOrEqual(2);
    }
    await expectBothChunked();

    // The gate verifies each sink's chunks: a chunk lost from SINK_B stops the cutover; repair fixes it.
    expect((await migrate('eval', '--samples', '3', '--k', '2')).code).toBe(0);
    await query(base, `delete from ${name}_b where ctid in (select ctid from ${name}_b limit 1)`);
    const gated = await migrate('cutover');
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/SINK_B .* does not hold the table's chunks \(1 missing\)/);
    const repaired = await drift(
      ...shadowArgs(
        'repair',
        table,
        '--sink',
        sinkB,
        '--model',
        modelB.model,
        '--metadata-col',
        'category',
        '--json',
      ),
    );
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(parseJson(repaired)).toMatchObject({ embed: { rowsEmbedded: 1 } });
    await expectBothChunked();

    const models = () =>
      query<{ model: string; n: string }>(
        base,
        `select model, count(*) as n from ${view} group by model`,
      );
    const countOf = async (uri: string, as: { model: string; dimensions: number }) =>
      String((await readChunkPoints(uri, as)).size);
    expect((await migrate('cutover')).code).toBe(0);
    expect(await models()).toEqual([{ model: modelB.model, n: await countOf(sinkB, modelB) }]);
    expect((await migrate('rollback')).code).toBe(0);
    expect(await models()).toEqual([{ model, n: await countOf(sinkA, { model, dimensions }) }]);
    expect((await migrate('cutover')).code).toBe(0);
    const finished = await migrate('finish', '--yes');
    expect(finished.code, finished.stderr).toBe(0);
    expect(await query(base, `select to_regclass('${name}') as gone`)).toEqual([{ gone: null }]);
    expect(await models()).toEqual([{ model: modelB.model, n: await countOf(sinkB, modelB) }]);
  }, 240_000);
});
