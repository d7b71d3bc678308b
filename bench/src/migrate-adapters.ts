/**
 * Query adapters on real models and a real labelled corpus (issue 12): the WordNet gloss
 * table (scripts/fixtures/wordnet.sh: PASSAGES passages, QUERIES example sentences whose
 * relevant passage is their synset's gloss), embedded with an old model A and a new model
 * B from scripts/models/fetch.sh. For each pair, on exact search:
 * - recall@10 and nDCG@10 of A's queries on A's index and of B's on B's (the full re-embed);
 * - the adapter path: B's queries mapped into A's space on A's index, for each family, fitted
 *   on SAMPLES passages of the table embedded with both models (A's vectors are already in
 *   the old index; B's are what the adapter costs), with overlap@10 against B's own results;
 * - controls: A alone against B (overlap@10), and B's raw vectors on A's index when the
 *   dimensions match (the identity "adapter");
 * - fit time, µs per query to map a vector (against B's own time to embed one query), and
 *   the tokens of the adapter path against a full re-embed with B.
 * Prints a Markdown table; writes bench/out/migrate-adapters.json. EMBED_ONLY=1 only fills
 * the embedding cache (run one per model in parallel to fill it sooner).
 *
 *   bash scripts/models/fetch.sh && pnpm build
 *   pnpm --filter @drift-spark/bench exec tsx src/migrate-adapters.ts
 *   PAIRS='paraphrase-MiniLM-L3-v2<-all-MiniLM-L6-v2,glove-6B-50d<-paraphrase-MiniLM-L3-v2' \
 *     PASSAGES=20000 QUERIES=1000 SAMPLES=1000 …   (OLD<-NEW, model folder names)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Adapter,
  type AdapterCandidate,
  adapterFamilies,
  applyAdapter,
  evaluateQueries,
  fitAdapter,
  type QueryEvaluation,
  selectFamily,
} from '@drift-spark/adapter';
import type { EmbedderV1 } from '@drift-spark/core';
import { createLocalEmbedder } from '@drift-spark/provider-local';
import { type Corpus, cachedEmbeddings, loadCorpus } from './migrate-adapters-corpus.js';
import { buildIndex, searchIndex, type VectorIndex } from './migrate-adapters-search.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = join(root, '.ci-cache/bench/migrate-adapters');
const passages = Number(process.env.PASSAGES ?? 20_000);
const queryCount = Number(process.env.QUERIES ?? 1000);
const samples = Number(process.env.SAMPLES ?? 1000);
const k = 10;
const mlpTimeBudgetMs = Number(process.env.MLP_BUDGET_MS ?? 60_000);
// One ONNX thread per process: on a busy machine more threads fight each other for the cores.
const threads = Number(process.env.THREADS ?? 1);
const pairNames = (process.env.PAIRS ?? 'paraphrase-MiniLM-L3-v2<-all-MiniLM-L6-v2').split(',');

interface Row {
  path: string;
  evaluation: QueryEvaluation;
  candidate?: AdapterCandidate;
  fitMs?: number;
}

function seededSample(count: number, size: number, seed: number): number[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order.slice(0, size);
}

/** Mean milliseconds for B to embed one query on its own (the latency the adapter adds to). */
async function queryLatencyMs(embedder: EmbedderV1, corpus: Corpus): Promise<number> {
  const texts = corpus.queries.slice(0, 50).map((query) => query.text);
  await embedder.embed(texts.slice(0, 1));
  const started = performance.now();
  for (const text of texts) await embedder.embed([text]);
  return (performance.now() - started) / texts.length;
}

async function evaluate(
  index: VectorIndex,
  vectors: Float32Array[],
  corpus: Corpus,
  reference?: string[][],
  reused?: { index: VectorIndex; results: string[][] },
) {
  return evaluateQueries({
    queries: corpus.queries.map((query, position) => ({
      query: position,
      relevant: query.relevant,
    })),
    search: (position) =>
      index === reused?.index
        ? reused.results[position]!
        : searchIndex(index, vectors[position]!, k),
    ...(reference ? { reference: (position: number) => reference[position]! } : {}),
    k,
  });
}

/** A local model by folder name: an ONNX model, or `glove-6B-50d` (mean of GloVe word vectors). */
function createModel(name: string, modelsDir: string): EmbedderV1 {
  return createLocalEmbedder({ model: name, modelsDir, threads });
}

async function runPair(name: string, full: Corpus, modelsDir: string) {
  const [oldName, newName] = name.split('<-') as [string, string];
  const embedderA = createModel(oldName, modelsDir);
  const embedderB = createModel(newName, modelsDir);
  const queryTexts = full.queries.map((query) => query.text);
  console.error(`${name}: embedding (cached under ${cache})`);
  // CACHED_ONLY=1: measure on the passages already embedded by both models (a run that
  // could not embed everything in its time), with the queries whose passage is among them.
  const only = { cachedOnly: Boolean(process.env.CACHED_ONLY) };
  const queriesA = await cachedEmbeddings(embedderA, queryTexts, cache, 'queries');
  const queriesB = await cachedEmbeddings(embedderB, queryTexts, cache, 'queries');
  if (process.env.EMBED_ONLY === 'queries') return undefined;
  const allA = await cachedEmbeddings(embedderA, full.passages, cache, 'passages', only);
  const allB = await cachedEmbeddings(embedderB, full.passages, cache, 'passages', only);
  if (process.env.EMBED_ONLY) return undefined;
  const rowsBoth = full.keys.flatMap((_, row) => (allA[row] && allB[row] ? [row] : []));
  const inIndex = new Set(rowsBoth.map((row) => full.keys[row]!));
  const queryRows = full.queries.flatMap((query, row) =>
    query.relevant.every((key) => inIndex.has(key)) ? [row] : [],
  );
  const corpus: Corpus = {
    keys: rowsBoth.map((row) => full.keys[row]!),
    passages: rowsBoth.map((row) => full.passages[row]!),
    queries: queryRows.map((row) => full.queries[row]!),
  };
  const passagesA = rowsBoth.map((row) => allA[row]!);
  const passagesB = rowsBoth.map((row) => allB[row]!);
  const queryVectorsA = queryRows.map((row) => queriesA[row]!);
  const queryVectorsB = queryRows.map((row) => queriesB[row]!);
  const indexA = buildIndex(corpus.keys, passagesA);
  const indexB = buildIndex(corpus.keys, passagesB);
  const resultsB = queryVectorsB.map((vector) => searchIndex(indexB, vector, k));
  const rows: Row[] = [
    {
      path: `B (${newName}) on B's index`,
      evaluation: await evaluate(indexB, queryVectorsB, corpus, resultsB, {
        index: indexB,
        results: resultsB,
      }),
    },
    {
      path: `A (${oldName}) on A's index`,
      evaluation: await evaluate(indexA, queryVectorsA, corpus, resultsB),
    },
  ];
  if (embedderA.dimensions === embedderB.dimensions) {
    rows.push({
      path: "B's raw vectors on A's index (identity)",
      evaluation: await evaluate(indexA, queryVectorsB, corpus, resultsB),
    });
  }
  const sample = seededSample(corpus.passages.length, samples, 17);
  const pairs = {
    source: sample.map((row) => passagesB[row]!),
    target: sample.map((row) => passagesA[row]!),
  };
  const candidates: AdapterCandidate[] = [];
  const applyMicros: Record<string, number> = {};
  for (const family of adapterFamilies) {
    console.error(`${name}: fitting ${family} on ${samples} pairs`);
    const started = performance.now();
    const {
      adapter,
      candidates: [candidate],
    } = await fitAdapter(pairs, {
      families: [family],
      fromModel: embedderB.id,
      toModel: embedderA.id,
      mlpTimeBudgetMs,
    });
    const fitMs = Math.round(performance.now() - started);
    candidates.push(candidate!);
    const mapStarted = performance.now();
    const mapped = queryVectorsB.map((vector) => applyAdapter(adapter as Adapter, vector));
    applyMicros[family] = ((performance.now() - mapStarted) * 1000) / mapped.length;
    rows.push({
      path: `adapter: ${family}`,
      evaluation: await evaluate(indexA, mapped, corpus, resultsB),
      candidate: candidate!,
      fitMs,
    });
  }
  // A full re-embed pays for the whole table, whatever share of it this run could measure.
  const tokensFull = full.passages.reduce((total, text) => total + embedderB.countTokens(text), 0);
  const tokensAdapter = sample.reduce(
    (total, row) => total + embedderB.countTokens(corpus.passages[row]!),
    0,
  );
  return {
    pair: name,
    passages: corpus.passages.length,
    queries: corpus.queries.length,
    dimensions: `${embedderB.dimensions} → ${embedderA.dimensions}`,
    rows,
    chosen: selectFamily(candidates),
    applyMicros,
    queryLatencyMs: await queryLatencyMs(embedderB, corpus),
    tokens: {
      fullReembed: tokensFull,
      adapterPairs: tokensAdapter,
      ratio: tokensAdapter / tokensFull,
    },
  };
}

const fixed = (value: number | undefined, digits = 3) =>
  value === undefined ? '–' : value.toFixed(digits);

async function main() {
  const modelsDir = execFileSync('bash', [join(root, 'scripts/models/fetch.sh')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  const corpus = await loadCorpus(root, cache, { passages, queries: queryCount });
  console.error(
    `corpus: ${corpus.passages.length} passages, ${corpus.queries.length} labelled queries; load ${loadavg()[0]!.toFixed(1)}`,
  );
  const results = [];
  for (const name of pairNames) {
    const result = await runPair(name, corpus, modelsDir);
    if (!result) continue;
    results.push(result);
    console.log(
      `\n### ${result.pair} (${result.dimensions}): ${result.passages} passages, ${result.queries} labelled queries, ${samples} pairs; chosen: ${result.chosen}\n`,
    );
    console.log(
      '| path | recall@10 | nDCG@10 | overlap@10 with B | held-out fidelity@10 | fit s | map µs/query |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const row of result.rows) {
      const family = row.candidate?.family;
      console.log(
        `| ${row.path} | ${fixed(row.evaluation.recallAtK)} | ${fixed(row.evaluation.ndcgAtK)} | ${fixed(row.evaluation.overlapAtK)} | ${fixed(row.candidate?.heldOutFidelityAt10)} | ${row.fitMs === undefined ? '–' : (row.fitMs / 1000).toFixed(1)} | ${family ? result.applyMicros[family]!.toFixed(0) : '–'} |`,
      );
    }
    console.log(
      `\nB embeds one query in ${result.queryLatencyMs.toFixed(1)} ms. Tokens with B: adapter pairs ${result.tokens.adapterPairs} vs full re-embed ${result.tokens.fullReembed} (${(100 * result.tokens.ratio).toFixed(1)}%).`,
    );
  }
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(
    join(root, 'bench/out/migrate-adapters.json'),
    `${JSON.stringify({ passages: corpus.passages.length, queries: corpus.queries.length, samples, results }, null, 2)}\n`,
  );
}

await main();
