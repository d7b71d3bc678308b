import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { cosineSimilarity } from '../memory/vector-math.js';
import { createShadowEmbedder } from './shadow-embedder.js';

const embedOne = async (model: string, text: string, dimensions?: number) => {
  const embedder = createShadowEmbedder(
    dimensions === undefined ? { model } : { model, dimensions },
  );
  const { vectors } = await embedder.embed([text]);
  return vectors[0]!;
};

const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));

describe('shadow embedder', () => {
  it('gives unit vectors of the named model dimension, at $0, with a shadow fingerprint', async () => {
    const embedder = createShadowEmbedder({ model: 'openai/text-embedding-3-small' });
    expect(embedder.dimensions).toBe(1536);
    expect(embedder.price.usdPerMillionTokens).toBe(0);
    expect(embedder.fingerprint).toBe('shadow:openai/text-embedding-3-small@1536');
    const { vectors, tokens } = await embedder.embed(['hello world', 'a']);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(1536);
    expect(norm(vectors[0]!)).toBeCloseTo(1, 5);
    expect(norm(vectors[1]!)).toBeCloseTo(1, 5);
    expect(tokens).toBe(Math.ceil(11 / 4) + 1);
    expect(createShadowEmbedder({ model: 'bedrock/amazon.titan-embed-text-v2:0' }).dimensions).toBe(
      1024,
    );
    expect(createShadowEmbedder({ model: 'openai/text-embedding-3-large' }).dimensions).toBe(3072);
  });

  it('is deterministic', async () => {
    const a = await embedOne('openai/text-embedding-3-small', 'The quick brown fox');
    const b = await embedOne('openai/text-embedding-3-small', 'The quick brown fox');
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('puts texts that share words closer than unrelated texts', async () => {
    const model = 'openai/text-embedding-3-small';
    const query = await embedOne(model, 'How do I reset my account password?');
    const related = await embedOne(model, 'To reset your password, open account settings.');
    const unrelated = await embedOne(model, 'Quarterly revenue grew in the northern region.');
    expect(cosineSimilarity(query, related)).toBeGreaterThan(
      cosineSimilarity(query, unrelated) + 0.1,
    );
    // A one-word edit stays very close; the unrelated text is near orthogonal.
    const edited = await embedOne(model, 'How do I reset my account passcode?');
    expect(cosineSimilarity(query, edited)).toBeGreaterThan(0.7);
    expect(Math.abs(cosineSimilarity(query, unrelated))).toBeLessThan(0.3);
  });

  it('finds the document a query shares words with, first among many', async () => {
    const documents = [
      'Invoices are emailed to the billing contact on the first day of each month.',
      'Reset a forgotten password from the login page with the link we email you.',
      'Shipments to Norway and Sweden leave the Hamburg warehouse every Tuesday.',
      'The Delta table keeps a transaction log of every commit in _delta_log.',
      'Refunds for annual plans are prorated to the remaining full months.',
      'Our API rate limit is 600 requests per minute per organisation.',
      'Vacation requests need approval from your manager two weeks ahead.',
      'The cafeteria serves vegetarian lunch options on weekdays.',
    ];
    const queries: [string, number][] = [
      ['how do I reset my password', 1],
      ['when do shipments leave the warehouse for Norway', 2],
      ['is my annual plan refund prorated', 4],
      ['what is the API rate limit', 5],
      ['delta transaction log commit', 3],
    ];
    const embedder = createShadowEmbedder({ model: 'openai/text-embedding-3-small' });
    const { vectors } = await embedder.embed(documents);
    for (const [query, expected] of queries) {
      const [vector] = (await embedder.embed([query])).vectors;
      const scores = vectors.map((document) => cosineSimilarity(vector!, document));
      const best = scores.indexOf(Math.max(...scores));
      expect(documents[best], query).toBe(documents[expected]);
    }
  });

  it('gives two model names two different spaces', async () => {
    const text = 'the same text in two spaces';
    const a = await embedOne('x/model-a', text, 256);
    const b = await embedOne('x/model-b', text, 256);
    expect(Math.abs(cosineSimilarity(a, b))).toBeLessThan(0.3);
  });

  it('asks for dimensions for an unknown model, on use rather than construction', async () => {
    const embedder = createShadowEmbedder({ model: 'acme/secret-model' });
    expect(embedder.id).toBe('acme/secret-model');
    expect(() => embedder.dimensions).toThrow(/Pass dimensions/);
    await expect(embedder.embed(['x'])).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'invalid-input'),
    );
    expect(createShadowEmbedder({ model: 'acme/secret-model', dimensions: 12 }).dimensions).toBe(
      12,
    );
  });

  it('refuses more inputs than its limit with a limit-exceeded error, and honours abort', async () => {
    const embedder = createShadowEmbedder({
      model: 'x/y',
      dimensions: 8,
      limits: { maxInputsPerCall: 2 },
    });
    await expect(embedder.embed(['a', 'b', 'c'])).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'limit-exceeded'),
    );
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(['a'], { signal: controller.signal })).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'aborted'),
    );
  });

  it('gives non-Latin text unit vectors, and refuses the empty text as a provider does', async () => {
    const embedder = createShadowEmbedder({ model: 'x/y', dimensions: 64 });
    const { vectors } = await embedder.embed(['Привет мир', '東京の天気']);
    for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
    await expect(embedder.embed(['a', ''])).rejects.toThrow(/Input 1 is empty/);
  });
});
