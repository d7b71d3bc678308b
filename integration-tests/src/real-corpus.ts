import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli-harness.js';

/** Real models and a real labelled corpus for the tests, fetched once and cached under .ci-cache. */

/** The folder of the real models (ONNX `all-MiniLM-L6-v2`, `paraphrase-MiniLM-L3-v2`; GloVe `glove-6B-50d`): pass it as DRIFT_MODELS_DIR. */
export function fetchModels(): string {
  return lastLine(execFileSync('bash', [join(repoRoot, 'scripts/models/fetch.sh')], scriptOptions));
}

/** The folder of WordNet 3.0's data.{noun,verb,adj,adv} (Debian's wordnet-base), fetched once into .ci-cache. */
export function wordnetDir(): string {
  return lastLine(
    execFileSync('bash', [join(repoRoot, 'scripts/fixtures/wordnet-data.sh')], scriptOptions),
  );
}

export interface WordnetQuery {
  query: string;
  /** Keys (the `id` column as key strings) of the passages that answer it. */
  relevant: string[];
}

export interface WordnetCorpus {
  /** The Delta table: `id` int64 key, `body` the text, `category`, `n`; Change Data Feed on. */
  table: string;
  queries: WordnetQuery[];
  queriesFile: string;
}

/** Writes (or reuses) a WordNet gloss table of `passages` rows with `queries` labelled queries under `out`. */
export function wordnetCorpus(
  out: string,
  options: { passages: number; queries: number; seed?: number },
): WordnetCorpus {
  const args = [join(repoRoot, 'scripts/fixtures/wordnet.sh'), out];
  args.push('--passages', String(options.passages), '--queries', String(options.queries));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  const dir = lastLine(execFileSync('bash', args, scriptOptions));
  const queriesFile = join(dir, 'queries.jsonl');
  const queries = readFileSync(queriesFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as WordnetQuery);
  return { table: join(dir, 'table'), queries, queriesFile };
}

const scriptOptions: ExecFileSyncOptionsWithStringEncoding = {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  timeout: 600_000,
};

function lastLine(output: string): string {
  return output.trim().split('\n').pop()!;
}
