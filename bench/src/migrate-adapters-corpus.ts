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
): Promise<Float32Array[]> {
  const folder = join(cache, 'embeddings', embedder.fingerprint.replace(/[^\w.@-]+/g, '_'));
  mkdirSync(folder, { recursive: true });
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += chunkSize) {
    const chunk = texts.slice(start, start + chunkSize);
    const file = join(
      folder,
      `${label}-${start}-${hash('sha256', chunk.join('\u0000'), 'hex').slice(0, 16)}.f32`,
    );
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
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `  ${embedder.id} ${label} ${start + chunk.length}/${texts.length} (${(chunk.length / seconds).toFixed(0)} texts/s)`,
      );
    }
    const bytes = readFileSync(file);
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    for (let index = 0; index < chunk.length; index++) {
      vectors.push(floats.slice(index * embedder.dimensions, (index + 1) * embedder.dimensions));
    }
  }
  return vectors;
}
