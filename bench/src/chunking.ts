/**
 * Chunk-level delta on long documents (issue 19): DOCS Markdown documents of ~TOKENS tokens
 * built from WordNet's real sentences (scripts/fixtures/markdown_docs.py, written by delta-rs,
 * CDF on), `drift embed --chunk CHUNK`, then one paragraph rewritten in each of EDIT_PERCENT %
 * of them (one commit) and `drift watch` of that commit. Reports the tokens the watch paid
 * against a full re-chunk-and-embed of the edited documents (their chunks, counted with the same
 * tokenizer), the chunks paid per edited document (aim ≤ 2), and each run's peak RSS.
 * Shadow vectors (no provider: what would be paid is the run's token count), PGlite sink.
 *
 *   pnpm build && cd bench && node --import tsx src/chunking.ts
 *   DOCS=10000 TOKENS=5000 EDIT_PERCENT=1 CHUNK=markdown DIMENSIONS=256 (the defaults); KEEP=1 keeps the folder
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkText, parseChunkSpec } from '@drift-spark/core/internal';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import { drift } from './drift-process.js';

const docs = Number(process.env.DOCS ?? 10_000);
const tokens = Number(process.env.TOKENS ?? 5000);
const editPercent = Number(process.env.EDIT_PERCENT ?? 1);
const chunk = process.env.CHUNK ?? 'markdown';
const dimensions = process.env.DIMENSIONS ?? '256';
const model = 'openai/text-embedding-3-small';

const root = fileURLToPath(new URL('../../', import.meta.url));
const python = execFileSync('bash', [join(root, 'scripts/python-env.sh')], {
  encoding: 'utf8',
}).trim();
const wordnet = execFileSync('bash', [join(root, 'scripts/fixtures/wordnet-data.sh')], {
  encoding: 'utf8',
}).trim();

/** One run of markdown_docs.py (one commit, or a read); its JSON answer. */
function docsScript(command: string, table: string, ...flags: string[]): Record<string, unknown> {
  const output = execFileSync(
    python,
    [
      join(root, 'scripts/fixtures/markdown_docs.py'),
      command,
      table,
      '--wordnet',
      wordnet,
      ...flags,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const work = mkdtempSync(join(tmpdir(), 'drift-bench-chunking-'));
try {
  const table = join(work, 'docs');
  const sink = `pglite://${join(work, 'sink')}?table=docs`;
  const env = { ...process.env, HOME: work, NO_COLOR: '1' };
  const runArgs = (command: string, ...flags: string[]) => [
    command,
    '--table',
    table,
    '--text-col',
    'body',
    '--chunk',
    chunk,
    '--shadow-mode',
    '--model',
    model,
    '--dimensions',
    dimensions,
    '--sink',
    sink,
    '--ledger',
    join(work, 'ledger.db'),
    ...flags,
  ];
  console.log(
    `load at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${work}`,
  );

  let started = performance.now();
  docsScript('create', table, '--documents', String(docs), '--tokens', String(tokens));
  console.log(`table: ${docs} documents written by delta-rs in ${seconds(started).toFixed(1)} s`);

  const embed = await drift(runArgs('embed'), env);
  console.log(`embed: ${JSON.stringify(embed.result)}`);

  started = performance.now();
  const editCount = Math.max(1, Math.round((docs * editPercent) / 100));
  const edit = docsScript(
    'edit',
    table,
    ...['--seed', '2', '--edit-documents', String(editCount), '--ops-per-document', '1'],
    ...['--kinds', 'edit'],
  );
  console.log(
    `edit: ${editCount} documents, one paragraph each, in ${seconds(started).toFixed(1)} s`,
  );

  const watch = await drift(runArgs('watch', '--since-version', String(edit.version)), env);
  console.log(`watch: ${JSON.stringify(watch.result)}`);

  // A full re-chunk-and-embed of the edited documents: every chunk of their new text.
  const edited = edit.edited as number[];
  const { rows } = docsScript('rows', table, '--ids', edited.join(',')) as {
    rows: { body: string }[];
  };
  const countTokens = createOpenAIEmbedder({ model, apiKey: 'unused' }).countTokens;
  const spec = parseChunkSpec(chunk);
  let fullChunks = 0;
  let fullTokens = 0;
  for (const row of rows)
    for (const piece of chunkText(row.body, spec, countTokens)) {
      fullChunks++;
      fullTokens += countTokens(piece.text);
    }

  const paidChunks = watch.result.rowsEmbedded as number;
  const paidTokens = watch.result.tokens as number;
  console.log(`
| documents | tokens/doc | chunks embedded | edited docs | chunks paid | chunks paid / edited doc | tokens paid | full re-chunk tokens | paid / full | embed s | embed peak RSS MB | watch s | watch peak RSS MB |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| ${docs} | ${Math.round((embed.result.tokens as number) / docs)} | ${embed.result.rowsEmbedded} | ${rows.length} | ${paidChunks} | ${(paidChunks / rows.length).toFixed(2)} | ${paidTokens} | ${fullTokens} | ${((100 * paidTokens) / fullTokens).toFixed(1)}% | ${embed.seconds.toFixed(1)} | ${Math.round(embed.rssMb)} | ${watch.seconds.toFixed(1)} | ${Math.round(watch.rssMb)} |

(full re-chunk: ${fullChunks} chunks of the ${rows.length} edited documents, ${chunk}, OpenAI's tokenizer)`);
} finally {
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
}
