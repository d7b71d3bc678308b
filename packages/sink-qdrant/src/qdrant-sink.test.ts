import { DriftError } from '@drift-spark/core';
import { conformancePoint, unitVector } from '@drift-spark/core/testkit';
import { describe, expect, it } from 'vitest';
import {
  createQdrantSink,
  createQdrantSinkFromUri,
  parseQdrantUri,
  type QdrantClientSubset,
} from './index.js';
import { toDriftError } from './qdrant-errors.js';

/** A fake client that records calls, for what the sink sends; the int tests use a server. */
function recordingClient(existing?: {
  size: number;
  distance: string;
  metadata?: Record<string, unknown>;
  model?: string;
}) {
  const calls: Array<{ method: string; args: unknown }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client: QdrantClientSubset = {
    collectionExists: async () => ({ exists: existing !== undefined }),
    getCollection: async () => ({
      config: {
        params: {
          vectors: existing
            ? { size: existing.size, distance: existing.distance }
            : { size: 4, distance: 'Cosine' },
        },
        metadata: existing?.metadata ?? null,
      },
      payload_schema: {},
    }),
    createCollection: async (_name, args) => void calls.push({ method: 'createCollection', args }),
    updateCollection: async (_name, args) => void calls.push({ method: 'updateCollection', args }),
    createPayloadIndex: async (_name, args) =>
      void calls.push({ method: 'createPayloadIndex', args }),
    upsert: async (_name, args) => {
      calls.push({ method: 'upsert', args });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    },
    delete: async (_name, args) => void calls.push({ method: 'delete', args }),
    retrieve: async () => [],
    scroll: async () => ({
      points: existing?.model ? [{ id: 'x', payload: { model: existing.model } }] : [],
      next_page_offset: null,
    }),
    query: async () => ({ points: [] }),
    count: async () => ({ count: 0 }),
  };
  return { client, calls, maxInFlight: () => maxInFlight };
}

const openOptions = { dimensions: 4, distance: 'cosine' as const, model: 'conformance/model' };

describe('Qdrant URIs', () => {
  it('maps qdrant:// to http and qdrants:// to https, port 6333 by default', () => {
    expect(parseQdrantUri('qdrant://localhost:6333/docs')).toEqual({
      url: 'http://localhost:6333',
      collection: 'docs',
      id: 'qdrant://localhost:6333/docs',
    });
    expect(parseQdrantUri('qdrants://x.cloud.qdrant.io/docs')).toEqual({
      url: 'https://x.cloud.qdrant.io:6333',
      collection: 'docs',
      id: 'qdrants://x.cloud.qdrant.io:6333/docs',
    });
    expect(() => parseQdrantUri('qdrant://localhost:6333')).toThrow(
      /qdrant:\/\/host:6333\/collection/,
    );
    expect(() => parseQdrantUri('qdrant://key@localhost/docs')).toThrow(/QDRANT_API_KEY/);
  });

  it('is lazy: a sink for an unreachable server neither connects nor throws', () => {
    const sink = createQdrantSinkFromUri('qdrant://127.0.0.1:1/docs');
    expect(sink.id).toBe('qdrant://127.0.0.1:1/docs');
    expect(sink.specificationVersion).toBe('v1');
  });
});

describe('Qdrant sink requests', () => {
  it('creates the collection, records the model, indexes `key`', async () => {
    const { client, calls } = recordingClient();
    const sink = createQdrantSink({ collection: 'docs', client });
    await sink.open(openOptions);
    expect(calls).toEqual([
      { method: 'createCollection', args: { vectors: { size: 4, distance: 'Cosine' } } },
      {
        method: 'updateCollection',
        args: { metadata: { drift_model: 'conformance/model', drift_dimensions: 4 } },
      },
      {
        method: 'createPayloadIndex',
        args: { field_name: 'key', field_schema: 'keyword', wait: true },
      },
    ]);
  });

  it('upserts in batches with wait: true, a few in flight, payload keys as the contract says', async () => {
    const recording = recordingClient();
    const sink = createQdrantSink({
      collection: 'docs',
      client: recording.client,
      batchSize: 64,
      parallelRequests: 3,
    });
    await sink.open(openOptions);
    const points = Array.from({ length: 300 }, (_, index) =>
      conformancePoint(`row-${index}`, unitVector(4, index + 1)),
    );
    await sink.upsert(points);
    const upserts = recording.calls
      .filter((call) => call.method === 'upsert')
      .map((call) => call.args as { wait: boolean; points: Array<{ payload: object }> });
    expect(upserts.map((call) => call.points.length)).toEqual([64, 64, 64, 64, 44]);
    expect(upserts.every((call) => call.wait === true)).toBe(true);
    expect(recording.maxInFlight()).toBe(3);
    expect(Object.keys(upserts[0]!.points[0]!.payload).sort()).toEqual([
      'content',
      'content_hash',
      'key',
      'metadata',
      'model',
      'run_id',
      'source',
    ]);
  });

  it('refuses another dimension or model of an existing collection', async () => {
    const bySize = createQdrantSink({
      collection: 'docs',
      client: recordingClient({ size: 8, distance: 'Cosine' }).client,
    });
    await expect(bySize.open(openOptions)).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'dimension-mismatch'),
    );
    const byMetadata = createQdrantSink({
      collection: 'docs',
      client: recordingClient({
        size: 4,
        distance: 'Cosine',
        metadata: { drift_model: 'other/model' },
      }).client,
    });
    await expect(byMetadata.open(openOptions)).rejects.toThrow(/other\/model/);
    const byPoint = createQdrantSink({
      collection: 'docs',
      client: recordingClient({ size: 4, distance: 'Cosine', model: 'other/model' }).client,
    });
    await expect(byPoint.open(openOptions)).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'dimension-mismatch'),
    );
  });

  it('maps client errors by status and class, never by text', () => {
    const rateLimited = Object.assign(new Error('Too Many Requests'), {
      name: 'QdrantClientResourceExhaustedError',
      retry_after: 2,
    });
    expect(toDriftError(rateLimited, 'write', 'qdrant://h/c')).toMatchObject({
      code: 'rate-limited',
      retryAfterMs: 2000,
      isRetryable: true,
    });
    expect(
      toDriftError(Object.assign(new Error('x'), { status: 503 }), 'write', 'id'),
    ).toMatchObject({ code: 'transient' });
    expect(
      toDriftError(Object.assign(new Error('x'), { status: 401 }), 'write', 'id'),
    ).toMatchObject({ code: 'fatal' });
    const badInput = Object.assign(new Error('Bad Request'), {
      status: 400,
      data: { status: { error: 'Wrong input: Vector dimension error' } },
    });
    expect(toDriftError(badInput, 'write', 'id')).toMatchObject({ code: 'sink' });
    expect(toDriftError(badInput, 'write', 'id').message).toContain('Vector dimension error');
    expect(
      toDriftError(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        }),
        'open',
        'id',
      ),
    ).toMatchObject({ code: 'transient' });
  });
});

describe('two processes creating one collection at once', () => {
  it('verifies the collection the other created, even while it still answers 500', async () => {
    for (const status of [409, 400]) {
      const { client, calls } = recordingClient();
      let exists = false;
      let unreadable = 2;
      client.collectionExists = async () => ({ exists });
      client.createCollection = async () => {
        exists = true;
        throw Object.assign(new Error('Collection `docs` already exists!'), { status });
      };
      const getCollection = client.getCollection;
      client.getCollection = async (name) => {
        if (unreadable-- > 0)
          throw Object.assign(new Error('0 of 0 read operations failed'), { status: 500 });
        return getCollection(name);
      };
      const sink = createQdrantSink({ collection: 'docs', client });
      await sink.open(openOptions);
      expect(calls.map((call) => call.method)).toContain('createPayloadIndex');
      await sink.close();
    }
  });

  it('still fails on a create error when no collection came of it', async () => {
    const { client } = recordingClient();
    client.createCollection = async () => {
      throw Object.assign(new Error('Bad request'), { status: 400 });
    };
    await expect(
      createQdrantSink({ collection: 'docs', client }).open(openOptions),
    ).rejects.toThrow(/Bad request/);
  });
});
