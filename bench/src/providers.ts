/**
 * How much of a provider's rate limit the engine uses, per issue 7.
 *
 * A local OpenAI-compatible server (in a child process, so it does not share the engine's
 * event loop) with a token-bucket rate limiter: TPM tokens and RPM requests per minute,
 * each bucket holding one minute and starting full, answering 429 with OpenAI's
 * `x-ratelimit-*` reset headers when a call does not fit. ROWS (default 200k) synthetic rows
 * go through the core engine's `embed` with the real OpenAI embedder (real SDK, base64
 * vectors, 256 dimensions) into a discarding sink and the in-memory ledger.
 *
 * Prints: the fraction of the token budget used (tokens accepted / the most the limiter could
 * have accepted in the same time: one full bucket plus the refill), the same after the first
 * minute (the steady state, without the starting burst), the 429s (in the first minute and
 * after), failed rows, rows/s and peak RSS. Aim: >= 90% of the budget, few 429s after the
 * first minute, zero failed rows.
 *
 *   pnpm --filter @drift-spark/core build && pnpm --filter @drift-spark/provider-openai build
 *   pnpm --filter @drift-spark/bench exec tsx src/providers.ts
 *   ROWS=50000 TPM=1500000 RPM=300 pnpm --filter @drift-spark/bench exec tsx src/providers.ts
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type DriftEvent, type RowBatch, type SourceV1, createDiscardingSink, createMemoryLedger, embed } from '@drift-spark/core';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import {
  TokenBucket,
  estimateTokensByBytes,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  rateLimitedRoute,
  startTestServer,
} from '@drift-spark/provider-test-server';

const rows = Number(process.env.ROWS ?? 200_000);
// ~52 tokens a row (as OpenAI's limiter estimates them): 200k rows ≈ 10.4M tokens. With one
// minute's bucket to start, 3.6M tokens a minute lets the run take about two minutes.
const tokensPerMinute = Number(process.env.TPM ?? 3_600_000);
const requestsPerMinute = Number(process.env.RPM ?? 400);
const batchSize = Number(process.env.BATCH ?? 1000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);

interface LimiterStats {
  acceptedTokens: number;
  acceptedRequests: number;
  refusedRequests: number;
  refusals: number[];
  elapsedMs: number;
  afterFirstMinuteTokens: number;
}

// ---------------------------------------------------------------- the server (child process)
async function serve(): Promise<void> {
  const bucket = new TokenBucket({ tokensPerMinute, requestsPerMinute });
  const tokensOf = (request: { json: unknown }) => {
    const input = (request.json as { input?: string[] } | undefined)?.input ?? [];
    let tokens = 0;
    for (const text of input) tokens += estimateTokensByBytes(text);
    return tokens;
  };
  let afterFirstMinuteTokens = 0;
  const answer = openAIEmbeddingsHandler({ countTokens: estimateTokensByBytes });
  const limited = rateLimitedRoute(
    bucket,
    (request, context) => {
      if (bucket.elapsedMs() >= 60_000) afterFirstMinuteTokens += tokensOf(request);
      return answer(request, context);
    },
    { tokensOf },
  );
  const server = await startTestServer({ [openAIEmbeddingsRoute]: limited });
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      const stats: LimiterStats = {
        acceptedTokens: bucket.acceptedTokens,
        acceptedRequests: bucket.acceptedRequests,
        refusedRequests: bucket.refusedRequests,
        refusals: bucket.refusals,
        elapsedMs: bucket.elapsedMs(),
        afterFirstMinuteTokens,
      };
      process.send?.({ stats });
    } else if (message === 'stop') {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url: server.url });
}

// ---------------------------------------------------------------- the client (this process)
const words = ['delta', 'vector', 'ledger', 'embedding', 'table', 'stream', 'batch', 'lake', 'query', 'model', 'point', 'cosine', 'schema', 'commit', 'version', 'spark', 'drift', 'index', 'token', 'price'];
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const corpus = Array.from({ length: 20_000 }, () => words[Math.floor(random() * words.length)]).join(' ');
/** 150 to 270 characters: a row prefix and a window into a fixed word stream. */
const textOf = (id: number) => {
  const length = 150 + ((id * 37) % 120);
  const start = (id * 7919) % (corpus.length - 300);
  return `row ${id}: ${corpus.slice(start, start + length)}`;
};

function syntheticSource(count: number): SourceV1 {
  const columns = [
    { name: 'id', type: 'long', nullable: false },
    { name: 'text', type: 'string', nullable: true },
  ];
  return {
    specificationVersion: 'v1',
    id: 'bench://providers',
    async describe() {
      return { id: 'bench://providers', columns, latestVersion: 1, changeFeed: false };
    },
    async *scan(options): AsyncIterable<RowBatch> {
      const size = options.batchSize ?? 1000;
      for (let start = 0; start < count; start += size) {
        const end = Math.min(count, start + size);
        const batch = new Array(end - start);
        for (let id = start; id < end; id++) batch[id - start] = { id, text: textOf(id) };
        yield { rows: batch, version: 1 };
      }
    },
  } as SourceV1;
}

function request<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: unknown) => {
      const value = (reply as Record<string, unknown>)[key];
      if (value !== undefined) {
        child.off('message', listener);
        resolve(value as T);
      }
    };
    child.on('message', listener);
    if (message) child.send(message);
  });
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TPM: String(tokensPerMinute), RPM: String(requestsPerMinute) },
  });
  try {
    const url = await request<string>(child, '', 'url');
    const embedder = createOpenAIEmbedder({ model: 'openai/text-embedding-3-small', dimensions: 256, apiKey: 'sk-bench', baseURL: `${url}/v1` });
    embedder.countTokens('warm up the tokenizer');

    let retryWaits = 0;
    let rowFails = 0;
    let peakRss = process.memoryUsage.rss();
    const concurrencyChanges: number[] = [];
    const onEvent = (event: DriftEvent) => {
      if (event.type === 'retry-wait') retryWaits++;
      else if (event.type === 'row-fail') rowFails++;
      else if (event.type === 'concurrency-change') concurrencyChanges.push(event.concurrency);
    };
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const started = performance.now();
    const result = await embed({
      source: syntheticSource(rows),
      sink: createDiscardingSink({ id: 'discard://providers' }),
      embedder,
      ledger: createMemoryLedger(),
      textColumn: 'text',
      batchSize,
      concurrency,
      retry: { maxAttempts: 50, initialDelayMs: 250, maxDelayMs: 20_000 },
      onEvent,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    const stats = await request<LimiterStats>(child, 'stats', 'stats');

    const elapsedMinutes = stats.elapsedMs / 60_000;
    const ceiling = tokensPerMinute * (1 + elapsedMinutes);
    const steadyMinutes = Math.max(0, elapsedMinutes - 1);
    const firstMinute429s = stats.refusals.filter((at) => at < 60_000).length;
    const later429s = stats.refusedRequests - firstMinute429s;
    const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

    console.log(`providers: ${rows} rows through embed() with the OpenAI embedder against a local rate-limited server`);
    console.log(`  budget: ${tokensPerMinute.toLocaleString('en-US')} tokens/min, ${requestsPerMinute} requests/min (bucket of one minute, starting full)`);
    console.log(`  run: status ${result.status}, ${result.rowsEmbedded} embedded, ${result.rowsFailed} failed rows, ${seconds.toFixed(1)} s, ${(rows / seconds).toFixed(0)} rows/s`);
    console.log(`  tokens accepted by the limiter: ${stats.acceptedTokens.toLocaleString('en-US')} in ${stats.acceptedRequests} calls (billed by the run: ${result.tokens.toLocaleString('en-US')})`);
    console.log(`  token budget used: ${pct(stats.acceptedTokens / ceiling)} of the ceiling (${Math.round(ceiling).toLocaleString('en-US')} = one bucket + ${elapsedMinutes.toFixed(2)} min of refill)`);
    if (steadyMinutes > 0.05) {
      console.log(`  after the first minute: ${pct(stats.afterFirstMinuteTokens / (tokensPerMinute * steadyMinutes))} of the refill rate over ${steadyMinutes.toFixed(2)} min (includes the tail when work ran out)`);
    }
    console.log(`  429s: ${stats.refusedRequests} (${firstMinute429s} in the first minute, ${later429s} after); engine retry waits: ${retryWaits}; concurrency changes: ${concurrencyChanges.length ? concurrencyChanges.join(' → ') : 'none'}`);
    console.log(`  row-fail events: ${rowFails}; cost at $0.02/1M: $${result.costUsd.toFixed(4)}`);
    console.log(`  peak RSS (engine process): ${(peakRss / 2 ** 20).toFixed(0)} MiB; ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)}`);
    if (result.rowsFailed > 0 || result.status !== 'succeeded') process.exitCode = 1;
  } finally {
    child.send('stop');
  }
}

if (process.argv.includes('--server')) await serve();
else await main();
