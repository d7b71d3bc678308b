import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, parseJson, runDrift } from './cli-harness.js';
import { fetchModels, type WordnetCorpus, wordnetCorpus } from './real-corpus.js';

/**
 * Issue 12: `--model local/NAME` embeds with a real ONNX model in-process (no key, $0), and
 * search with the same model finds the labelled gloss of a WordNet example sentence.
 */
describe('drift with a local model on the WordNet corpus', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let corpus: WordnetCorpus;
  const model = 'local/paraphrase-MiniLM-L3-v2';
  const sink = () => `pglite://${join(work, 'sink')}?table=glosses`;

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-local-'));
    env = childEnv(work, { DRIFT_MODELS_DIR: fetchModels() });
    corpus = wordnetCorpus(join(work, 'wordnet'), { passages: 200, queries: 20 });
  }, 600_000);
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  const common = () => ['--sink', sink(), '--ledger', join(work, 'ledger.db')];

  it('embeds every gloss for $0, counting tokens with the model tokenizer', async () => {
    const args = ['embed', '--table', corpus.table, '--text-col', 'body', '--model', model];
    const run = await runDrift([...args, ...common(), '--json'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    const result = parseJson(run);
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 200, costUsd: 0, model });
    // Glosses are ~10-40 WordPiece tokens each, plus [CLS] and [SEP].
    expect(result.tokens as number).toBeGreaterThan(200 * 5);
    expect(result.tokens as number).toBeLessThan(200 * 128);
  }, 300_000);

  it('finds the gloss of an example sentence among the top 5 for most of 5 queries', async () => {
    const sample = corpus.queries.slice(0, 5);
    let hits = 0;
    for (const { query, relevant } of sample) {
      const run = await runDrift(
        ['search', query, '--model', model, '--k', '5', '--sink', sink(), '--json'],
        {
          cwd: work,
          env,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const keys = (parseJson(run).hits as { key: string }[]).map((hit) => hit.key);
      expect(keys).toHaveLength(5);
      if (keys.includes(relevant[0]!)) hits++;
    }
    // Chance would be 5 in 200 per query.
    expect(hits).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it('says in one line where to put the model when its folder is missing', async () => {
    const empty = mkdtempSync(join(work, 'no-models-'));
    const args = ['embed', '--table', corpus.table, '--text-col', 'body', '--model', model];
    const run = await runDrift([...args, ...common()], {
      cwd: work,
      env: { ...env, DRIFT_MODELS_DIR: empty },
    });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toContain(
      `No local model paraphrase-MiniLM-L3-v2: ${join(empty, 'paraphrase-MiniLM-L3-v2')} does not exist`,
    );
    expect(lines[0]).toMatch(/DRIFT_MODELS_DIR .* scripts\/models\/fetch\.sh/);
  }, 60_000);
});
