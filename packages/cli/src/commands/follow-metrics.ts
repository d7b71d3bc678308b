import { createServer, type Server } from 'node:http';
import type { DriftEvent, RunResult } from '@drift-spark/core';
import { Counter, Gauge, Registry } from 'prom-client';
import type { DayBudget } from './day-budget.js';
import type { Freshness } from './freshness.js';

/** The Prometheus metrics of `drift watch --follow --metrics-port N`, served on /metrics. */
export class FollowMetrics {
  readonly registry = new Registry();
  readonly #lag = this.#gauge(
    'drift_lag_seconds',
    'Seconds the oldest unapplied table version has waited since its commit (0: up to date)',
  );
  readonly #backlog = this.#gauge(
    'drift_backlog_versions',
    'Table versions committed after the checkpoint',
  );
  readonly #tableVersion = this.#gauge('drift_table_version', 'Latest version of the table');
  readonly #checkpoint = this.#gauge(
    'drift_checkpoint_version',
    'Last version applied to the sink',
  );
  readonly #budgetExhausted = this.#gauge(
    'drift_budget_exhausted',
    "1 while the day's --max-cost-per-day is spent (embedding paused, deletes applied)",
  );
  readonly #spentToday = this.#gauge(
    'drift_cost_today_usd',
    'USD spent on embeddings for this sink today (UTC)',
  );
  readonly #embedded = this.#counter('drift_rows_embedded_total', 'Rows embedded (paid)');
  readonly #reused = this.#counter(
    'drift_rows_reused_total',
    'Rows whose vector was copied from the same text',
  );
  readonly #deleted = this.#counter('drift_rows_deleted_total', 'Points deleted');
  readonly #tokens = this.#counter('drift_tokens_total', 'Tokens embedded');
  readonly #cost = this.#counter('drift_cost_usd_total', 'USD spent on embeddings');
  readonly #versions = this.#counter('drift_versions_applied_total', 'Table versions applied');
  readonly #failures = this.#counter(
    'drift_failures_total',
    'Runs that failed or left rows failed (retried with backoff)',
  );
  readonly #rateLimited = this.#counter(
    'drift_rate_limited_total',
    'Provider answers that asked to slow down (429)',
  );
  readonly #retries = this.#counter(
    'drift_retries_total',
    'Calls retried after a transient failure',
  );
  #server: Server | undefined;

  #gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  #counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  /** Serves /metrics on 127.0.0.1 unless `host` says otherwise; resolves once listening. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((request, response) => {
      if (request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end('see /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  freshness(freshness: Freshness): void {
    if (freshness.lagSeconds !== undefined) this.#lag.set(freshness.lagSeconds);
    this.#backlog.set(freshness.backlogVersions);
    if (freshness.latestVersion !== undefined) this.#tableVersion.set(freshness.latestVersion);
    if (freshness.checkpointVersion !== undefined)
      this.#checkpoint.set(freshness.checkpointVersion);
  }

  budget(budget: DayBudget): void {
    this.#budgetExhausted.set(budget.exhausted ? 1 : 0);
    this.#spentToday.set(budget.spentUsd);
  }

  run(result: RunResult, versions: number): void {
    this.#embedded.inc(result.rowsEmbedded);
    this.#reused.inc(result.rowsReused);
    this.#deleted.inc(result.rowsDeleted);
    this.#tokens.inc(result.tokens);
    this.#cost.inc(result.costUsd);
    this.#versions.inc(versions);
  }

  failure(): void {
    this.#failures.inc();
  }

  /** Engine events: retries, and among them the provider's 429s. */
  event(event: DriftEvent): void {
    if (event.type !== 'retry-wait') return;
    this.#retries.inc();
    if (event.code === 'rate-limited') this.#rateLimited.inc();
  }
}
