// The stand-in answers like Qdrant: envelope, error format and codes, wait, ids, cosine.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { startQdrantStandIn } from './server.mjs';

let standIn;
const call = async (method, path, body) => {
  const response = await fetch(standIn.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
};
beforeAll(async () => {
  standIn = await startQdrantStandIn();
});
afterAll(() => standIn.close());

test('creates a collection once, answers in the {result, status, time} envelope', async () => {
  const created = await call('PUT', '/collections/docs', {
    vectors: { size: 3, distance: 'Cosine' },
  });
  assert.equal(created.status, 200);
  assert.equal(created.body.result, true);
  assert.equal(created.body.status, 'ok');
  assert.equal(typeof created.body.time, 'number');
  const again = await call('PUT', '/collections/docs', {
    vectors: { size: 3, distance: 'Cosine' },
  });
  assert.equal(again.status, 409);
  assert.match(again.body.status.error, /already exists/);
  assert.deepEqual((await call('GET', '/collections/docs/exists')).body.result, { exists: true });
  assert.equal((await call('GET', '/collections/docs')).body.result.config.params.vectors.size, 3);
});

test('validates bodies as Qdrant does', async () => {
  assert.equal((await call('PUT', '/collections/bad', {})).status, 400);
  assert.equal(
    (await call('PUT', '/collections/bad', { vectors: { size: 3, distance: 'Cosinus' } })).status,
    400,
  );
  const wrongSize = await call('PUT', '/collections/docs/points?wait=true', {
    points: [{ id: 1, vector: [1, 0] }],
  });
  assert.equal(wrongSize.status, 400);
  assert.equal(
    wrongSize.body.status.error,
    'Wrong input: Vector dimension error: expected dim: 3, got 2',
  );
  const badId = await call('PUT', '/collections/docs/points?wait=true', {
    points: [{ id: 'row-1', vector: [1, 0, 0] }],
  });
  assert.equal(badId.status, 400);
  assert.match(badId.body.status.error, /not a valid point ID/);
  const missing = await call('POST', '/collections/nope/points/count', {});
  assert.equal(missing.status, 404);
  assert.equal(missing.body.status.error, "Not found: Collection `nope` doesn't exist!");
  assert.equal((await call('POST', '/collections/docs/points/scroll', { limit: 0 })).status, 422);
});

test('stores UUID and integer ids, normalises Cosine vectors, searches nearest first', async () => {
  const upsert = await call('PUT', '/collections/docs/points?wait=true', {
    points: [
      { id: 7, vector: [3, 0, 0], payload: { key: 'x' } },
      { id: '6F9619FF8B86D011B42D00C04FC964FF', vector: [0, 2, 0], payload: { key: 'y' } },
      { id: '00000000-0000-4000-8000-000000000001', vector: [1, 1, 0], payload: { key: 'xy' } },
    ],
  });
  assert.equal(upsert.body.result.status, 'completed');
  const [record] = (
    await call('POST', '/collections/docs/points', {
      ids: ['6f9619ff-8b86-d011-b42d-00c04fc964ff'],
      with_vector: true,
    })
  ).body.result;
  assert.equal(record.id, '6f9619ff-8b86-d011-b42d-00c04fc964ff');
  assert.deepEqual(record.vector, [0, 1, 0]);
  const hits = (
    await call('POST', '/collections/docs/points/query', {
      query: [1, 0, 0],
      limit: 2,
      with_payload: true,
    })
  ).body.result.points;
  assert.deepEqual(
    hits.map((hit) => hit.payload.key),
    ['x', 'xy'],
  );
  assert.ok(Math.abs(hits[1].score - Math.SQRT1_2) < 1e-9);
  assert.deepEqual(
    (await call('POST', '/collections/docs/points/count', { exact: true })).body.result,
    { count: 3 },
  );
});

test('wait=false acknowledges first and applies just after', async () => {
  const response = await call('PUT', '/collections/docs/points?wait=false', {
    points: [{ id: 8, vector: [0, 0, 1] }],
  });
  assert.equal(response.body.result.status, 'acknowledged');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(
    (await call('POST', '/collections/docs/points', { ids: [8] })).body.result.length,
    1,
  );
});

test('scrolls in id order with next_page_offset, deletes by id', async () => {
  const first = (await call('POST', '/collections/docs/points/scroll', { limit: 2 })).body.result;
  assert.deepEqual(
    first.points.map((point) => point.id),
    [7, 8],
  );
  const second = (
    await call('POST', '/collections/docs/points/scroll', {
      limit: 2,
      offset: first.next_page_offset,
    })
  ).body.result;
  assert.equal(second.points.length, 2);
  assert.equal(second.next_page_offset, null);
  await call('POST', '/collections/docs/points/delete?wait=true', { points: [7, 8] });
  assert.deepEqual((await call('POST', '/collections/docs/points/count', {})).body.result, {
    count: 2,
  });
});

test('collection aliases: switched atomically, resolved by point routes, dropped with their collection', async () => {
  for (const name of ['alias_a', 'alias_b'])
    await call('PUT', `/collections/${name}`, { vectors: { size: 2, distance: 'Cosine' } });
  await call('PUT', '/collections/alias_b/points?wait=true', {
    points: [{ id: 1, vector: [1, 0], payload: {} }],
  });
  const created = await call('POST', '/collections/aliases', {
    actions: [{ create_alias: { collection_name: 'alias_a', alias_name: 'live' } }],
  });
  assert.equal(created.body.result, true);
  const twice = await call('POST', '/collections/aliases', {
    actions: [{ create_alias: { collection_name: 'alias_b', alias_name: 'live' } }],
  });
  assert.equal(twice.status, 400);
  const switched = await call('POST', '/collections/aliases', {
    actions: [
      { delete_alias: { alias_name: 'live' } },
      { create_alias: { collection_name: 'alias_b', alias_name: 'live' } },
    ],
  });
  assert.equal(switched.body.result, true);
  const listed = await call('GET', '/aliases');
  assert.deepEqual(listed.body.result.aliases, [
    { alias_name: 'live', collection_name: 'alias_b' },
  ]);
  const counted = await call('POST', '/collections/live/points/count', { exact: true });
  assert.equal(counted.body.result.count, 1);
  await call('DELETE', '/collections/alias_b');
  assert.deepEqual((await call('GET', '/aliases')).body.result.aliases, []);
});
