/**
 * Speed and quality of the real local models (issue 12), on the WordNet corpus.
 *
 * For each model in `scripts/models/fetch.sh`: texts per second of `embed` (batches of
 * BATCH, default 32) on PASSAGES WordNet glosses (~20 tokens) and on the labelled example
 * sentences (~10 tokens), the tokens counted, and recall@10 of the example sentences
 * against their gloss (brute-force cosine over all passages). The machine's load average is
 * printed beside the speeds: this box is shared, and ONNX Runtime slows with it.
 *
 *   pnpm --filter @drift-spark/provider-local --filter @drift-spark/source-delta build
 *   pnpm --filter @drift-spark/bench exec tsx src/local-models.ts
 *   PASSAGES=20000 QUERIES=1000 THREADS=1 pnpm --filter @drift-spark/bench exec tsx src/local-models.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '@drift-spark/provider-local';
import { createDeltaSource } from '@drift-spark/source-delta';

const root = fileURLToPath(new URL('../../', import.meta.url));
const passages = Number(process.env.PASSAGES ?? 2000);
const queries = Number(process.env.QUERIES ?? 200);
const batch = Number(process.env.BATCH ?? 32);
const threads = process.env.THREADS === undefined ? undefined : Number(process.env.THREADS);
const models = (process.env.MODELS ?? 'paraphrase-MiniLM-L3-v2,all-MiniLM-L6-v2').split(',');

function script(path: string, ...args: string[]): string {
  const output = execFileSync('bash', [join(root, path), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return output.trim().split('\n').pop()!;
}

const modelsDir = script('scripts/models/fetch.sh');
const corpus = script(
  'scripts/fixtures/wordnet.sh',
  join(root, `.ci-cache/bench/wordnet-${passages}-${queries}`),
  '--passages',
  String(passages),
  '--queries',
  String(queries),
);
const keys: string[] = [];
const texts: string[] = [];
for await (const { rows } of createDeltaSource({ path: join(corpus, 'table') }).scan({
  columns: ['id', 'body'],
})) {
  for (const row of rows) {
    keys.push(String(row.id));
    texts.push(String(row.body));
  }
}
const labelled = readFileSync(join(corpus, 'queries.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { query: string; relevant: string[] });

async function embedAll(
  embedder: ReturnType<typeof createLocalEmbedder>,
  inputs: string[],
): Promise<{ vectors: Float32Array[]; perSecond: number; tokens: number }> {
  const vectors: Float32Array[] = [];
  let tokens = 0;
  const started = performance.now();
  for (let start = 0; start < inputs.length; start += batch) {
    const result = await embedder.embed(inputs.slice(start, start + batch));
    vectors.push(...result.vectors);
    tokens += result.tokens;
  }
  return { vectors, perSecond: inputs.length / ((performance.now() - started) / 1000), tokens };
}

function recallAt10(passageVectors: Float32Array[], queryVectors: Float32Array[]): number {
  let found = 0;
  for (const [index, query] of queryVectors.entries()) {
    const scores = passageVectors.map((vector, row) => {
      let dot = 0;
      for (let i = 0; i < vector.length; i++) dot += vector[i]! * query[i]!;
      return { row, dot };
    });
    scores.sort((a, b) => b.dot - a.dot);
    const top = new Set(scores.slice(0, 10).map((score) => keys[score.row]));
    if (labelled[index]!.relevant.some((key) => top.has(key))) found++;
  }
  return found / queryVectors.length;
}

console.log(
  `local models on WordNet: ${texts.length} glosses, ${labelled.length} labelled queries, batch ${batch}, threads ${threads ?? 'runtime default'}`,
);
for (const model of models) {
  const embedder = createLocalEmbedder({ model, modelsDir, batchSize: batch, threads });
  await embedder.embed(['warm up']);
  const load = loadavg()[0]!.toFixed(1);
  const glosses = await embedAll(embedder, texts);
  const sentences = await embedAll(
    embedder,
    labelled.map((query) => query.query),
  );
  console.log(
    `${embedder.id} (${embedder.dimensions}-d): glosses ${glosses.perSecond.toFixed(1)}/s (${(glosses.tokens / texts.length).toFixed(1)} tokens each), queries ${sentences.perSecond.toFixed(1)}/s, recall@10 ${recallAt10(glosses.vectors, sentences.vectors).toFixed(3)}, load average ${load}`,
  );
}
