/**
 * The WordNet corpus and cached embeddings for bench/src/migrate-adapters.ts. Embedding
 * 20k passages with a local model takes minutes on this machine, so vectors are cached
 * per model and per chunk of texts under .ci-cache/bench/migrate-adapters (a rerun, or a
 * run killed half-way, re-embeds nothing it already has).
 */
import { execFileSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderV1 } from '@drift-spark/core';
import { createDeltaSource } from '@drift-spark/source-delta';

export interface LabelledQuery {
  text: string;
  relevant: string[];
}

export interface Corpus {
  keys: string[];
  passages: string[];
  queries: LabelledQuery[];
}

/** Writes (or reuses) the WordNet table with the repository's fixture script and reads it back. */
export async function loadCorpus(
  root: string,
  cache: string,
  options: { passages: number; queries: number },
): Promise<Corpus> {
  const script = join(root, 'scripts/fixtures/wordnet.sh');
  const out = join(cache, 'wordnet');
  if (!existsSync(join(out, 'wordnet.json')) || existsSync(script)) {
    const args = [
      script,
      out,
      '--passages',
      String(options.passages),
      '--queries',
      String(options.queries),
    ];
    execFileSync('bash', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const keys: string[] = [];
  const passages: string[] = [];
  const source = createDeltaSource({ path: join(out, 'table') });
  for await (const batch of source.scan({ columns: ['id', 'body'] })) {
    for (const row of batch.rows) {
      keys.push(String(row.id));
      passages.push(String(row.body));
    }
  }
  const queries = readFileSync(join(out, 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { query: string; relevant: string[] })
    .map(({ query, relevant }) => ({ text: query, relevant }));
  return { keys, passages, queries };
}

const chunkSize = 1000;

/** The texts' vectors by `embedder`, from the cache where present; `label` names the set. */
export async function cachedEmbeddings(
  embedder: EmbedderV1,
  texts: readonly string[],
  cache: string,
  label: string,
  options: { cachedOnly?: boolean } = {},
): Promise<(Float32Array | undefined)[]> {
  const folder = join(cache, 'embeddings', embedder.fingerprint.replace(/[^\w.@-]+/g, '_'));
  mkdirSync(folder, { recursive: true });
  const starts = Array.from(
    { length: Math.ceil(texts.length / chunkSize) },
    (_, index) => index * chunkSize,
  );
  // REVERSE=1 fills the cache from the end, so a second process can share one model's work.
  if (process.env.REVERSE) starts.reverse();
  const chunks = new Map<number, Float32Array[]>();
  for (const start of starts) {
    const chunk = texts.slice(start, start + chunkSize);
    const file = join(
      folder,
      `${label}-${start}-${hash('sha256', chunk.join('\u0000'), 'hex').slice(0, 16)}.f32`,
    );
    if (!existsSync(file) && options.cachedOnly) continue;
    if (!existsSync(file)) {
      const started = performance.now();
      const embedded: Float32Array[] = [];
      for (let offset = 0; offset < chunk.length; offset += embedder.limits.maxInputsPerCall) {
        const result = await embedder.embed(
          chunk.slice(offset, offset + embedder.limits.maxInputsPerCall),
        );
        embedded.push(...result.vectors);
      }
      const bytes = Buffer.concat(
        embedded.map((vector) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)),
      );
      writeFileSync(`${file}.${process.pid}.tmp`, bytes);
      renameSync(`${file}.${process.pid}.tmp`, file);
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `  ${embedder.id} ${label} ${start}+${chunk.length} of ${texts.length} (${(chunk.length / seconds).toFixed(0)} texts/s)`,
      );
    }
    const bytes = readFileSync(file);
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    chunks.set(
      start,
      chunk.map((_, index) =>
        floats.slice(index * embedder.dimensions, (index + 1) * embedder.dimensions),
      ),
    );
  }
  // Texts of chunks not in the cache (with `cachedOnly`) have no vector.
  const vectors = texts.map(
    (_, index) => chunks.get(index - (index % chunkSize))?.[index % chunkSize],
  );
  return vectors;
}
