import { chunkPointId } from '@drift-spark/core/internal';
import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess, ticketsTable } from './testing/in-process.js';
import { onlyJson as json, onTickets, memorySink as sink } from './testing/ticket-args.js';

/** The points the sink holds, by id. */
function storedPoints(world: ReturnType<typeof createTestWorld>) {
  const store = world.stores.get(world.sinkUris[0]!)!;
  return [...store.points].map(([id, point]) => ({ id, payload: point.payload }));
}

describe('drift embed --chunk', () => {
  it('--chunk markdown writes chunk points: row key, chunk position, content the chunk text', async () => {
    const world = createTestWorld();
    const run = await runInProcess(
      onTickets('embed', '--shadow-mode', '--sink', sink, '--json', '--chunk', 'markdown'),
      world,
    );
    expect(run.stderr).not.toMatch(/drift:/);
    expect(run.code).toBe(0);
    const points = storedPoints(world);
    expect(points.length).toBeGreaterThan(10);
    for (const point of points) {
      const { key, source, content, metadata } = point.payload;
      expect(point.id).toBe(chunkPointId(source, key, Number(metadata?.chunk_index)));
      expect(metadata).toMatchObject({ chunk_index: 0, chunk_count: 1, chunk_start: 0 });
      expect(content?.length).toBe(metadata?.chunk_end);
    }
    const run2 = json(
      (
        await runInProcess(
          onTickets('embed', '--shadow-mode', '--sink', sink, '--json', '--chunk', 'markdown'),
          world,
        )
      ).stdout,
    );
    expect(run2).toMatchObject({ status: 'succeeded', rowsEmbedded: 0 });
  });

  it('--chunk sentences:1 cuts rows into several chunks of one row key each', async () => {
    const world = createTestWorld();
    const run = await runInProcess(
      onTickets('embed', '--shadow-mode', '--sink', sink, '--json', '--chunk', 'sentences:1'),
      world,
    );
    expect(run.code).toBe(0);
    const points = storedPoints(world);
    const keys = new Set(points.map((point) => point.payload.key));
    expect(points.length).toBeGreaterThan(keys.size);
    const several = points.filter((point) => Number(point.payload.metadata?.chunk_count) > 1);
    expect(several.length).toBeGreaterThan(0);
  });

  it('a bad spec is a usage error naming the accepted forms', async () => {
    const run = await runInProcess(
      onTickets('embed', '--shadow-mode', '--sink', sink, '--chunk', 'pages:3'),
      createTestWorld(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/tokens:512,overlap:64/);
    expect(run.stderr).toMatch(/markdown/);
  });

  it('verify holds a chunked sink against the table chunked as its last run was; repair fixes it chunk by chunk', async () => {
    const world = createTestWorld();
    const embed = onTickets(
      'embed',
      '--shadow-mode',
      '--sink',
      sink,
      '--json',
      '--chunk',
      'sentences:1',
    );
    expect((await runInProcess(embed, world)).code).toBe(0);
    const verifyArgs = [
      'verify',
      '--table',
      ticketsTable,
      '--text-col',
      'body',
      '--sink',
      sink,
      '--json',
    ];
    const verified = await runInProcess(verifyArgs, world);
    expect(verified.stderr).not.toMatch(/drift:/);
    expect(json(verified.stdout)).toMatchObject({
      inStep: true,
      tableRows: storedPoints(world).length,
    });
    const unchunked = await runInProcess([...verifyArgs, '--chunk', 'sentences:50'], world);
    expect(json(unchunked.stdout)).toMatchObject({ inStep: false });

    // Repair fixes a lost chunk and a stray one, chunk by chunk, and pays for the lost one only.
    const store = world.stores.get(world.sinkUris[0]!)!;
    const [lostId, lost] = [...store.points].find(([, point]) => point.payload.key === '3')!;
    store.points.delete(lostId);
    const strayId = chunkPointId(lost.payload.source, lost.payload.key, 99);
    store.points.set(strayId, lost);
    const repair = await runInProcess(
      ['repair', ...onTickets('embed', '--shadow-mode', '--sink', sink, '--json').slice(1)],
      world,
    );
    expect(repair.stderr).not.toMatch(/drift:/);
    expect(json(repair.stdout)).toMatchObject({
      status: 'succeeded',
      plan: { sinkDeletes: 1 },
      embed: { rowsEmbedded: 1 },
    });
    expect(store.points.has(lostId) && !store.points.has(strayId)).toBe(true);
    expect(json((await runInProcess(verifyArgs, world)).stdout)).toMatchObject({ inStep: true });
  });

  it("watch without --chunk goes on cutting rows the way the sink's last run did", async () => {
    const embed = [
      ...onTickets('embed', '--shadow-mode', '--sink', sink, '--json', '--chunk', 'sentences:1'),
      '--version',
      '2',
    ];
    const watch = onTickets(
      'watch',
      '--shadow-mode',
      '--sink',
      sink,
      '--json',
      '--since-version',
      '2',
    );
    const remembered = createTestWorld();
    expect((await runInProcess(embed, remembered)).code).toBe(0);
    const watched = await runInProcess(watch, remembered);
    expect(watched.stderr).not.toMatch(/drift:/);
    expect(json(watched.stdout)).toMatchObject({ status: 'succeeded', toVersion: 4 });
    const points = storedPoints(remembered);
    for (const point of points) {
      const { key, source, metadata } = point.payload;
      expect(point.id).toBe(chunkPointId(source, key, Number(metadata?.chunk_index)));
    }
    const explicit = createTestWorld();
    expect((await runInProcess(embed, explicit)).code).toBe(0);
    expect((await runInProcess([...watch, '--chunk', 'sentences:1'], explicit)).code).toBe(0);
    const ids = (world: ReturnType<typeof createTestWorld>) =>
      storedPoints(world)
        .map((point) => point.id)
        .sort();
    expect(ids(remembered)).toEqual(ids(explicit));
  });
});
