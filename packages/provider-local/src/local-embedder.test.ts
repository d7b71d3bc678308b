import { join } from 'node:path';
import { DriftError } from '@drift-spark/core';
import { testEmbedder } from '@drift-spark/core/testkit';
import { describe, expect, inject, it } from 'vitest';
import { createLocalEmbedder } from './local-embedder.js';

const modelsDir = inject('modelsDir');
const cosine = (a: Float32Array, b: Float32Array) =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0);

for (const model of ['local/all-MiniLM-L6-v2', 'local/paraphrase-MiniLM-L3-v2']) {
  testEmbedder({
    title: `${model} conformance (real ONNX model)`,
    create: () => createLocalEmbedder({ model, modelsDir }),
    dimensions: 384,
    deterministic: true,
  });
}

testEmbedder({
  title: 'local/glove-6B-50d conformance (real GloVe word vectors)',
  create: () => createLocalEmbedder({ model: 'local/glove-6B-50d', modelsDir }),
  dimensions: 50,
  deterministic: true,
});

describe('createLocalEmbedder', () => {
  const l6 = createLocalEmbedder({ model: 'local/all-MiniLM-L6-v2', modelsDir });

  it('places a paraphrase nearer than an unrelated sentence, in both models', async () => {
    for (const embedder of [
      l6,
      createLocalEmbedder({ model: 'paraphrase-MiniLM-L3-v2', modelsDir }),
    ]) {
      const { vectors } = await embedder.embed([
        'A man is playing a guitar on stage.',
        'Someone performs music with a guitar.',
        'The stock market fell sharply today.',
      ]);
      const [a, b, c] = vectors as [Float32Array, Float32Array, Float32Array];
      expect(cosine(a, b), embedder.id).toBeGreaterThan(cosine(a, c) + 0.3);
    }
  });

  it('places a paraphrase nearer than an unrelated sentence with GloVe too, by less', async () => {
    const glove = createLocalEmbedder({ model: 'glove-6B-50d', modelsDir });
    expect(glove.dimensions).toBe(50);
    const { vectors, tokensPerInput } = await glove.embed([
      'A man is playing a guitar on stage.',
      'Someone performs music with a guitar.',
      'The stock market fell sharply today.',
    ]);
    const [a, b, c] = vectors as [Float32Array, Float32Array, Float32Array];
    // A mean of word vectors is a weaker model than MiniLM (measured 0.95 against 0.73).
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.1);
    expect(tokensPerInput).toEqual([9, 7, 7]);
  });

  it('leaves padding out of the mean: a text padded in a batch gets the vector it gets alone', async () => {
    const short = 'a small dog';
    const alone = (await l6.embed([short])).vectors[0]!;
    const batched = (await l6.embed([short, 'word '.repeat(120)])).vectors[0]!;
    expect(cosine(alone, batched)).toBeGreaterThan(0.9999);
  });

  it('groups a call by length inside and still returns each vector at its input index', async () => {
    const texts = Array.from(
      { length: 20 },
      (_, index) => `${'long '.repeat((index * 7) % 30)}text number ${index}`,
    );
    const { vectors } = await l6.embed(texts);
    for (const index of [0, 3, 11, 19]) {
      const [alone] = (await l6.embed([texts[index]!])).vectors;
      expect(cosine(vectors[index]!, alone!), `input ${index}`).toBeGreaterThan(0.9999);
    }
  });

  it("counts tokens with the model's tokenizer, special tokens included, and truncates at its limit", async () => {
    expect(l6.countTokens('hello world')).toBe(4);
    const long = 'word '.repeat(400);
    expect(l6.countTokens(long)).toBe(256);
    const result = await l6.embed(['hello world', long]);
    expect(result.tokensPerInput).toEqual([4, 256]);
    expect(result.tokens).toBe(260);
    expect(result.truncated).toBe(1);
  });

  it('costs nothing, and its fingerprint says the weights are int8', () => {
    expect(l6.price.usdPerMillionTokens).toBe(0);
    expect(l6.fingerprint).toBe(
      'local/all-MiniLM-L6-v2@384;normalize=true;pooling=mean;quantization=int8',
    );
    expect(l6.limits.maxTokensPerInput).toBe(256);
  });

  it('refuses an empty text with an invalid-input error', async () => {
    await expect(l6.embed(['ok', ''])).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'invalid-input'),
    );
  });

  it('says where the model folder should be and how to get it when it is missing', () => {
    const embedder = createLocalEmbedder({ model: 'local/no-such-model', modelsDir });
    expect(() => embedder.dimensions).toThrow(
      `No local model no-such-model: ${join(modelsDir, 'no-such-model')} does not exist. Put a sentence-transformers ONNX export there`,
    );
    expect(() => embedder.dimensions).toThrow(
      /set DRIFT_MODELS_DIR .* or run scripts\/models\/fetch\.sh/,
    );
  });

  it('refuses a dimensions option other than the model size', () => {
    const embedder = createLocalEmbedder({
      model: 'local/all-MiniLM-L6-v2',
      modelsDir,
      dimensions: 512,
    });
    expect(() => embedder.dimensions).toThrow(
      'local/all-MiniLM-L6-v2 returns 384 dimensions, not 512',
    );
  });

  it('takes a model folder directly', async () => {
    const embedder = createLocalEmbedder({
      model: 'minilm',
      modelPath: join(modelsDir, 'all-MiniLM-L6-v2'),
    });
    expect(embedder.id).toBe('local/minilm');
    const [vector] = (await embedder.embed(['hello world'])).vectors;
    const [reference] = (await l6.embed(['hello world'])).vectors;
    expect(Array.from(vector!)).toEqual(Array.from(reference!));
  });
});
