import type { Embedder, Source } from '@drift-spark/core';
import { encodeKey } from '@drift-spark/core';

export interface SampledText {
  key: string;
  text: string;
}

/**
 * `count` rows with text, drawn uniformly from the table's latest version in one pass
 * (reservoir sampling, seeded so a step run twice draws the same rows).
 */
export async function sampleTexts(
  source: Source,
  settings: { textColumn: string; keyColumns: string[] },
  count: number,
  seed: number,
  signal?: AbortSignal,
): Promise<SampledText[]> {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: small, seeded, good enough to pick rows.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const sample: SampledText[] = [];
  let seen = 0;
  const columns = [...new Set([...settings.keyColumns, settings.textColumn])];
  for await (const batch of source.scan({ columns, ...(signal ? { signal } : {}) })) {
    for (const row of batch.rows) {
      const text = row[settings.textColumn];
      if (typeof text !== 'string' || text.trim() === '') continue;
      seen++;
      const entry = { key: encodeKey(row, settings.keyColumns), text };
      if (sample.length < count) sample.push(entry);
      else {
        const slot = Math.floor(random() * seen);
        if (slot < count) sample[slot] = entry;
      }
    }
  }
  return sample;
}

/** Embeds texts in calls within the embedder's limits; the tokens it reported, summed. */
export async function embedAll(
  embedder: Embedder,
  texts: string[],
  signal?: AbortSignal,
): Promise<{ vectors: Float32Array[]; tokens: number }> {
  const vectors: Float32Array[] = [];
  let tokens = 0;
  let start = 0;
  while (start < texts.length) {
    let end = start;
    let callTokens = 0;
    while (end < texts.length && end - start < embedder.limits.maxInputsPerCall) {
      const next = Math.min(embedder.countTokens(texts[end]!), embedder.limits.maxTokensPerInput);
      if (end > start && callTokens + next > embedder.limits.maxTokensPerCall) break;
      callTokens += next;
      end++;
    }
    const result = await embedder.embed(texts.slice(start, end), signal ? { signal } : {});
    vectors.push(...result.vectors);
    tokens += result.tokens;
    start = end;
  }
  return { vectors, tokens };
}
