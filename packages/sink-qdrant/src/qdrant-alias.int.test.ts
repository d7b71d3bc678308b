import { conformancePoint, unitVector } from '@drift-spark/core/testkit';
import { startQdrantStandIn } from '@drift-spark/qdrant-stand-in';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQdrantSink } from './index.js';

let url = process.env.QDRANT_URL ?? '';
let stopStandIn: (() => Promise<void>) | undefined;
let admin: QdrantClient;
beforeAll(async () => {
  if (!url) {
    const standIn = await startQdrantStandIn();
    url = standIn.url;
    stopStandIn = standIn.close;
  }
  admin = new QdrantClient({ url, apiKey: process.env.QDRANT_API_KEY, checkCompatibility: false });
});
afterAll(async () => {
  await stopStandIn?.();
});

async function sinkWith(collection: string, dimensions: number, keys: string[]) {
  const sink = createQdrantSink({ url, collection });
  const model = `test/model-${dimensions}`;
  await sink.open({ dimensions, distance: 'cosine', model });
  await sink.upsert(
    keys.map((key, index) => conformancePoint(key, unitVector(dimensions, index + 1), { model })),
  );
  return sink;
}

describe('Qdrant sink: alias for applications', () => {
  it('moves an alias between collections of different sizes; a client querying it follows', async () => {
    const suffix = Date.now().toString(36);
    const a = await sinkWith(`alias_a_${suffix}`, 8, ['1', '2']);
    const b = await sinkWith(`alias_b_${suffix}`, 4, ['1', '2', '3']);
    const live = `live_${suffix}`;
    await a.alias?.point(live);
    await a.alias?.point(live); // idempotent
    expect((await admin.count(live, { exact: true })).count).toBe(2);
    await b.alias?.point(live);
    expect(await a.alias?.read(live)).toBe(`alias_b_${suffix}`);
    const hits = await admin.query(live, { query: Array.from(unitVector(4, 3)), limit: 1 });
    expect(hits.points).toHaveLength(1);
    expect((await admin.count(live, { exact: true })).count).toBe(3);
    await expect(a.alias?.point(`alias_b_${suffix}`)).rejects.toThrow(/is a collection/);
    await a.drop?.();
    expect((await admin.collectionExists(`alias_a_${suffix}`)).exists).toBe(false);
    expect(await b.alias?.read(live)).toBe(`alias_b_${suffix}`);
    await b.drop?.();
    await a.close();
    await b.close();
  });
});
