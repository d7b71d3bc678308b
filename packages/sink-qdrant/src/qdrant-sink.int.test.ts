import { DriftError } from '@drift-spark/core';
import { conformancePoint, testSink, unitVector } from '@drift-spark/core/testkit';
import { startQdrantStandIn } from '@drift-spark/qdrant-stand-in';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQdrantSink, createQdrantSinkFromUri } from './index.js';

// A real Qdrant when QDRANT_URL is set (scripts/services/qdrant.sh sets it to the stand-in
// unless it was already set); otherwise the stand-in, started here.
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

testSink({
  title: `Qdrant sink: conformance (${process.env.QDRANT_URL ? 'QDRANT_URL' : 'stand-in'})`,
  create: ({ name }) => createQdrantSink({ url, collection: name }),
  destroy: async ({ name }) => {
    await admin.deleteCollection(name);
  },
});

const dimensions = 8;
const openOptions = { dimensions, distance: 'cosine' as const, model: 'conformance/model' };

describe('Qdrant sink', () => {
  it('writes a collection the official client searches, returning the keys', async () => {
    const sink = createQdrantSinkFromUri(`${url.replace(/^http:/, 'qdrant:')}/client_search`);
    await sink.open(openOptions);
    const points = Array.from({ length: 300 }, (_, index) =>
      conformancePoint(`row-${index}`, unitVector(dimensions, index + 1)),
    );
    await sink.upsert(points);
    await sink.close();
    const result = await admin.query('client_search', {
      query: Array.from(unitVector(dimensions, 42)),
      limit: 3,
      with_payload: true,
    });
    expect(result.points[0]?.payload?.key).toBe('row-41');
    const info = await admin.getCollection('client_search');
    expect(info.config.params.vectors).toMatchObject({ size: dimensions, distance: 'Cosine' });
    expect(info.payload_schema.key).toBeDefined();
    expect((await admin.count('client_search', { exact: true })).count).toBe(300);
    await admin.deleteCollection('client_search');
  });

  it('deletes at scale and scans what is left', async () => {
    const sink = createQdrantSink({ url, collection: 'bulk_delete' });
    await sink.open(openOptions);
    const points = Array.from({ length: 1200 }, (_, index) =>
      conformancePoint(`row-${index}`, unitVector(dimensions, index + 1)),
    );
    await sink.upsert(points);
    await sink.delete(points.slice(0, 1100).map((point) => point.id));
    let seen = 0;
    for await (const batch of sink.scan({ batchSize: 30 })) seen += batch.length;
    expect(seen).toBe(100);
    await sink.close();
    await admin.deleteCollection('bulk_delete');
  });
});

// Its own secured stand-in, whatever QDRANT_URL says: a real server's key cannot be made wrong on purpose.
describe('Qdrant sink with an API key (stand-in)', () => {
  it('sends QDRANT_API_KEY, read at open, and reports a refused key as fatal', async () => {
    const secured = await startQdrantStandIn({ apiKey: 'right-key' });
    const before = process.env.QDRANT_API_KEY;
    try {
      process.env.QDRANT_API_KEY = 'wrong-key';
      const refused = createQdrantSink({ url: secured.url, collection: 'secured' });
      const error = await refused.open(openOptions).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(DriftError.hasCode(error, 'fatal')).toBe(true);
      expect((error as Error).message).not.toContain('wrong-key');
      const sink = createQdrantSink({ url: secured.url, collection: 'secured' });
      process.env.QDRANT_API_KEY = 'right-key';
      await sink.open(openOptions);
      await sink.upsert([conformancePoint('a', unitVector(dimensions, 1))]);
      expect(await sink.count()).toBe(1);
    } finally {
      if (before === undefined) delete process.env.QDRANT_API_KEY;
      else process.env.QDRANT_API_KEY = before;
      await secured.close();
    }
  });
});
