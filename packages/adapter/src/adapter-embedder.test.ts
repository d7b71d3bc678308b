import { createShadowEmbedder, type EmbedderV1 } from '@drift-spark/core';
import { testEmbedder } from '@drift-spark/core/testkit';
import type { Matrix } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdapterEmbedder } from './adapter-embedder.js';
import { adapterHash } from './adapter-file.js';
import type { Adapter } from './adapter-types.js';
import { fitAdapter } from './fit-adapter.js';
import { cosine, mapRows, seededRandom, semiOrthogonal } from './synthetic-pairs.js';

// Model B is a shadow embedder (48-d); model A's space is B's rotated into 64 dimensions.
const embedderB = createShadowEmbedder({ model: 'test/model-b', dimensions: 48 });
const rotation: Matrix = semiOrthogonal(48, 64, seededRandom(21));
const embedA = async (texts: string[]) => mapRows((await embedderB.embed(texts)).vectors, rotation);
const texts = Array.from(
  { length: 300 },
  (_, index) => `document ${index} about ${index % 17} and ${index % 5}`,
);
let adapter: Adapter;

beforeAll(async () => {
  const source = (await embedderB.embed(texts)).vectors;
  ({ adapter } = await fitAdapter(
    { source, target: await embedA(texts) },
    { fromModel: embedderB.id, toModel: 'test/model-a', families: ['procrustes'] },
  ));
});

describe('createAdapterEmbedder', () => {
  testEmbedder({
    create: () => createAdapterEmbedder(embedderB, adapter),
    dimensions: 64,
    deterministic: true,
    title: 'adapter embedder conformance',
  });

  it("answers with A's id and dimensions, B's tokens, price and limits, and A-space vectors", async () => {
    const embedder: EmbedderV1 = createAdapterEmbedder(embedderB, adapter);
    expect(embedder.id).toBe('test/model-a');
    expect(embedder.dimensions).toBe(64);
    expect(embedder.price).toEqual(embedderB.price);
    expect(embedder.limits).toEqual(embedderB.limits);
    expect(embedder.fingerprint).toContain('test/model-a@64');
    expect(embedder.fingerprint).toContain(adapterHash(adapter).slice(0, 16));
    expect(embedder.fingerprint).not.toBe(embedderB.fingerprint);
    const queries = ['what is document 3 about', 'seventeen and five'];
    const [adapted, direct, truth] = await Promise.all([
      embedder.embed(queries),
      embedderB.embed(queries),
      embedA(queries),
    ]);
    expect(adapted.tokens).toBe(direct.tokens);
    for (const [index, vector] of adapted.vectors.entries()) {
      expect(cosine(vector, truth[index]!)).toBeGreaterThan(0.999);
    }
  });

  it('refuses an embedder the adapter was not fitted for', () => {
    const other = createShadowEmbedder({ model: 'test/model-c', dimensions: 48 });
    expect(() => createAdapterEmbedder(other, adapter)).toThrow(
      /adapter maps test\/model-b \(48 dimensions\) to test\/model-a; the embedder is test\/model-c/,
    );
  });
});
