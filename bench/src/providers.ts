/**
 * How much of a provider's rate limit the engine uses, per issue 7.
 *
 * First the peer: CALIBRATION_ROWS (20k) rows with no limit, to measure what this machine
 * pushes through the engine, the embedder and the server. Then the budget is set to
 * BUDGET_SHARE (70%) of that, capped so the whole run needs 3.5 minutes of budget (or TPM /
 * RPM when given), so the limiter, not the CPU, bounds the run. A local OpenAI-compatible server (in a child process, so it does not share the
 * engine's event loop) with a token-bucket rate limiter: tokens and requests per minute,
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
 *   BUDGET_SHARE=0.5 pnpm --filter @drift-spark/bench exec tsx src/providers.ts
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createMemoryLedger, type DriftEvent, embed } from '@drift-spark/core';
import { createDiscardingSink } from '@drift-spark/core/internal';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import {
  estimateTokensByBytes,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  rateLimitedRoute,
  startTestServer,
  TokenBucket,
} from '@drift-spark/provider-test-server';
import { syntheticSource } from './providers-source.js';

const rows = Number(process.env.ROWS ?? 200_000);
const calibrationRows = Number(process.env.CALIBRATION_ROWS ?? 20_000);
/** The budget as a share of what this machine can push with no limit (measured first), unless TPM is given. */
const budgetShare = Number(process.env.BUDGET_SHARE ?? 0.7);
const batchSize = Number(process.env.BATCH ?? 1000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);

interface LimiterStats {
  acceptedTokens: number;
  acceptedRequests: number;
  refusedRequests: number;
  refusals: number[];
  elapsedMs: number;
  afterFirstMinuteTokens: number;
  /** Calls answered with embeddings (with or without a limit). */
  served: number;
}

// ---------------------------------------------------------------- the server (child process)
async function serve(): Promise<void> {
  const tokensPerMinute = Number(process.env.TPM);
  const requestsPerMinute = Number(process.env.RPM);
  const unlimited = !(tokensPerMinute > 0 && requestsPerMinute > 0);
  const bucket = new TokenBucket(
    unlimited
      ? { tokensPerMinute: 1, requestsPerMinute: 1 }
      : { tokensPerMinute, requestsPerMinute },
  );
  const tokensOf = (request: { json: unknown }) => {
    const input = (request.json as { input?: string[] } | undefined)?.input ?? [];
    let tokens = 0;
    for (const text of input) tokens += estimateTokensByBytes(text);
    return tokens;
  };
  let afterFirstMinuteTokens = 0;
  let served = 0;
  const embeddings = openAIEmbeddingsHandler({ countTokens: estimateTokensByBytes });
  const answer: typeof embeddings = (request, context) => {
    served++;
    return embeddings(request, context);
  };
  const limited = rateLimitedRoute(
    bucket,
    (request, context) => {
      if (bucket.elapsedMs() >= 60_000) afterFirstMinuteTokens += tokensOf(request);
      return answer(request, context);
    },
    { tokensOf },
  );
  const server = await startTestServer({ [openAIEmbeddingsRoute]: unlimited ? answer : limited });
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      const stats: LimiterStats = {
        acceptedTokens: bucket.acceptedTokens,
        acceptedRequests: bucket.acceptedRequests,
        refusedRequests: bucket.refusedRequests,
        refusals: bucket.refusals,
        elapsedMs: bucket.elapsedMs(),
        afterFirstMinuteTokens,
        served,
      };
      process.send?.({ stats });
    } else if (message === 'stop') {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url: server.url });
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

interface RunFigures {
  result: Awaited<ReturnType<typeof embed>>;
  seconds: number;
  stats: LimiterStats;
  retryReasons: Map<string, number>;
  concurrencyChanges: number[];
  peakRss: number;
}

/** One run of `count` rows against a fresh server with this budget (0 = no limit). */
async function run(
  count: number,
  tokensPerMinute: number,
  requestsPerMinute: number,
): Promise<RunFigures> {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TPM: String(tokensPerMinute), RPM: String(requestsPerMinute) },
  });
  try {
    const url = await request<string>(child, '', 'url');
    const embedder = createOpenAIEmbedder({
      model: 'openai/text-embedding-3-small',
      dimensions: 256,
      apiKey: 'sk-bench',
      baseURL: `${url}/v1`,
    });
    embedder.countTokens('warm up the tokenizer');
    const retryReasons = new Map<string, number>();
    let peakRss = process.memoryUsage.rss();
    const concurrencyChanges: number[] = [];
    const onEvent = (event: DriftEvent) => {
      if (event.type === 'retry-wait')
        retryReasons.set(event.code, (retryReasons.get(event.code) ?? 0) + 1);
      else if (event.type === 'concurrency-change') concurrencyChanges.push(event.concurrency);
    };
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const started = performance.now();
    const result = await embed({
      source: syntheticSource(count),
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
    return { result, seconds, stats, retryReasons, concurrencyChanges, peakRss };
  } finally {
    child.send('stop');
  }
}

async function main(): Promise<void> {
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const number = (value: number) => Math.round(value).toLocaleString('en-US');

  // The peer: what this machine pushes through the same engine, embedder and server with no limit.
  const free = await run(calibrationRows, 0, 0);
  const freeTokensPerMinute = (free.result.tokens / free.seconds) * 60;
  // The budget: a share of the peer, so the limiter and not the CPU bounds the run, and at
  // most a third and a half of the whole run's tokens, so the bucket it starts with (one
  // minute) does not carry most of the run.
  const expectedTokens = (free.result.tokens / calibrationRows) * rows;
  const tokensPerMinute = Number(
    process.env.TPM ??
      Math.round(Math.min(freeTokensPerMinute * budgetShare, expectedTokens / 3.5)),
  );
  const tokensPerCall = free.result.tokens / Math.max(1, free.stats.served);
  // Requests: room for the calls the token budget allows, plus half again.
  const requestsPerMinute = Number(
    process.env.RPM ?? Math.max(6, Math.ceil((tokensPerMinute / tokensPerCall) * 1.5)),
  );

  const limited = await run(rows, tokensPerMinute, requestsPerMinute);
  const { result, seconds, stats } = limited;
  const elapsedMinutes = stats.elapsedMs / 60_000;
  const ceiling = tokensPerMinute * (1 + elapsedMinutes);
  const requestCeiling = requestsPerMinute * (1 + elapsedMinutes);
  const steadyMinutes = Math.max(0, elapsedMinutes - 1);
  const firstMinute429s = stats.refusals.filter((at) => at < 60_000).length;
  const later429s = stats.refusedRequests - firstMinute429s;
  const reasons =
    [...limited.retryReasons].map(([code, count]) => `${code} ${count}`).join(', ') || 'none';

  console.log(
    `providers: ${rows} rows through embed() with the OpenAI embedder (real SDK) against a local rate-limited server`,
  );
  console.log(
    `  unlimited peer (${calibrationRows} rows, same run): ${number(freeTokensPerMinute)} tokens/min, ${(calibrationRows / free.seconds).toFixed(0)} rows/s`,
  );
  console.log(
    `  budget: ${number(tokensPerMinute)} tokens/min (${pct(tokensPerMinute / freeTokensPerMinute)} of the peer), ${requestsPerMinute} requests/min; buckets of one minute, starting full`,
  );
  console.log(
    `  run: status ${result.status}, ${result.rowsEmbedded} embedded, ${result.rowsFailed} failed rows, ${seconds.toFixed(1)} s, ${(rows / seconds).toFixed(0)} rows/s`,
  );
  console.log(
    `  tokens accepted by the limiter: ${number(stats.acceptedTokens)} in ${stats.acceptedRequests} calls (billed by the run: ${number(result.tokens)}, cost at $0.02/1M $${result.costUsd.toFixed(4)})`,
  );
  console.log(
    `  token budget used: ${pct(stats.acceptedTokens / ceiling)} of the ceiling (${number(ceiling)} = one bucket + ${elapsedMinutes.toFixed(2)} min of refill)`,
  );
  console.log(
    `  request budget used: ${pct(stats.acceptedRequests / requestCeiling)} (${stats.acceptedRequests} of ${Math.floor(requestCeiling)})`,
  );
  if (steadyMinutes > 0.05) {
    console.log(
      `  after the first minute: ${pct(stats.afterFirstMinuteTokens / (tokensPerMinute * steadyMinutes))} of the refill over ${steadyMinutes.toFixed(2)} min (the tail, when work ran out, included)`,
    );
  }
  console.log(
    `  429s: ${stats.refusedRequests} (${firstMinute429s} in the first minute, ${later429s} after); engine retry waits by code: ${reasons}`,
  );
  console.log(
    `  concurrency changes: ${limited.concurrencyChanges.length ? limited.concurrencyChanges.join(' > ') : 'none'}`,
  );
  console.log(
    `  peak RSS (engine process): ${(limited.peakRss / 2 ** 20).toFixed(0)} MiB; ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)}`,
  );
  if (result.rowsFailed > 0 || result.status !== 'succeeded') process.exitCode = 1;
}

if (process.argv.includes('--server')) await serve();
else await main();
