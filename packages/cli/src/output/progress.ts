import type { DriftEvent, RunCounters } from '@drift-spark/core';
import { zeroCounters } from '@drift-spark/core/internal';
import cliProgress from 'cli-progress';
import { formatDuration, formatInt } from './format.js';
import type { Output } from './output.js';
import {
  formatCounters,
  formatEta,
  plainProgressLine,
  progressFigures,
} from './progress-figures.js';

/**
 * Draws the engine's typed events on stderr, never with --json: on a terminal a bar
 * (percentage and ETA when the source knows its row count), elsewhere (CI logs) a plain
 * line every few seconds. Either way, the first few failed rows, long retry waits and
 * duplicate keys as notes.
 */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private stageLabel: string | undefined;
  private stageStarted = 0;
  private runStarted = 0;
  private totalRows: number | undefined;
  private counters: RunCounters = zeroCounters();
  private failuresShown = 0;
  private readonly output: Output;

  constructor(output: Output) {
    this.output = output;
  }

  /** Says what the CLI waits for before the run can start (an embedded database starting). */
  stage(label: string): void {
    if (this.output.json) return;
    this.stageLabel = label;
    this.stageStarted = Date.now();
    // One line, not a ticking counter: PGlite's first start blocks the event loop for seconds.
    this.output.stderr.write(this.output.showProgress ? `\r\x1b[K${label}…` : `${label}…\n`);
  }

  stageEnd(): void {
    if (this.stageLabel === undefined) return;
    if (this.output.showProgress) this.output.stderr.write('\r\x1b[K');
    this.output.note(
      `${this.stageLabel}: ready in ${formatDuration((Date.now() - this.stageStarted) / 1000)}`,
    );
    this.stageLabel = undefined;
  }

  onEvent = (event: DriftEvent): void => {
    switch (event.type) {
      case 'run-start':
        this.start(event.totalRows);
        break;
      case 'batch-end':
        this.counters = event.counters;
        this.bar?.update(event.counters.rowsProcessed, this.barValues());
        break;
      case 'sink-loss':
        this.write(
          `the sink holds ${formatInt(event.sinkPoints)} of the ${formatInt(event.ledgerPoints)} points the ledger records for it${event.created ? ' (this run created it)' : ''}: every row is checked against the sink, and what it lost is written again`,
        );
        break;
      case 'pending-writes-settled':
        this.write(
          `${formatInt(event.writes)} ${event.writes === 1 ? 'batch' : 'batches'} of an interrupted run reached the sink but not the ledger: recorded from what the sink holds`,
        );
        break;
      case 'row-fail':
        if (this.failuresShown < 5) {
          this.write(`row ${event.key} failed (${event.code}): ${event.reason}`);
        } else if (this.failuresShown === 5) {
          this.write('more rows failed; `drift runs` and the ledger list them all.');
        }
        this.failuresShown++;
        break;
      case 'retry-wait':
        if (event.delayMs >= 5000)
          this.write(
            `waiting ${Math.round(event.delayMs / 1000)} s before retrying (${event.code}: ${event.reason})`,
          );
        break;
      case 'duplicate-keys':
        this.write(
          `warning: ${formatInt(event.count)} ${event.count === 1 ? 'row repeats the key' : 'rows repeat the key'} of an earlier row (e.g. ${event.examples.join(', ')}): each key is one point, and the last row read of it is the one embedded. Choose --key-col columns that identify one row.`,
        );
        break;
      case 'run-end':
        this.stop();
        break;
      default:
        break;
    }
  };

  stop(): void {
    this.stopTicker();
    this.stageLabel = undefined;
    this.bar?.stop();
    this.bar = undefined;
  }

  private start(totalRows: number | undefined): void {
    this.stageEnd();
    this.runStarted = Date.now();
    this.totalRows = totalRows;
    this.counters = zeroCounters();
    if (this.output.json) return;
    if (!this.output.showProgress) {
      // CI logs: a line now and every few seconds, so a long run is never silent.
      const print = () => this.output.note(plainProgressLine(this.figures(), this.counters));
      print();
      this.tick(print, this.output.progressIntervalMs);
      return;
    }
    const rows =
      totalRows === undefined
        ? '{value} rows'
        : '{bar} {percentage}% | {value}/{total} rows | ETA {timeLeft}';
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.output.stderr as NodeJS.WritableStream,
        format: ` ${rows} | {rate} rows/s | {counters}`,
        hideCursor: true,
        clearOnComplete: true,
        formatValue: (value, _options, type) =>
          type === 'value' || type === 'total' ? formatInt(value) : String(value),
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(totalRows ?? 0, 0, this.barValues());
  }

  private figures() {
    return progressFigures(
      this.counters.rowsProcessed,
      this.totalRows,
      Date.now() - this.runStarted,
    );
  }

  private barValues() {
    const figures = this.figures();
    return {
      timeLeft: formatEta(figures.etaS),
      rate: Math.round(figures.rowsPerSecond).toLocaleString('en-US'),
      counters: formatCounters(this.counters),
    };
  }

  /** A timer that never keeps the process alive. */
  private tick(callback: () => void, everyMs: number): void {
    this.stopTicker();
    this.ticker = setInterval(callback, everyMs);
    this.ticker.unref();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private write(text: string): void {
    if (this.output.json) return;
    if (this.bar) {
      this.output.stderr.write(`\r\x1b[K${text}\n`);
    } else {
      this.output.note(text);
    }
  }
}
