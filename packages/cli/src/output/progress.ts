import type { DriftEvent } from '@drift-spark/core';
import cliProgress from 'cli-progress';
import { formatInt } from './format.js';
import type { Output } from './output.js';

/**
 * Draws the engine's typed events: a bar on stderr when it is a terminal (never with
 * --json), and, either way, the first few failed rows, long retry waits and duplicate keys as notes.
 */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private failuresShown = 0;
  private readonly output: Output;

  constructor(output: Output) {
    this.output = output;
  }

  onEvent = (event: DriftEvent): void => {
    switch (event.type) {
      case 'run-start':
        if (this.output.showProgress) {
          this.bar = new cliProgress.SingleBar(
            {
              stream: this.output.stderr as NodeJS.WritableStream,
              format: event.totalRows
                ? ' {bar} {percentage}% | {value}/{total} rows | {embedded} embedded, {deduped} unchanged | {cost}'
                : ' {value} rows | {embedded} embedded, {deduped} unchanged | {cost}',
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(event.totalRows ?? 0, 0, { embedded: 0, deduped: 0, cost: '$0' });
        }
        break;
      case 'batch-end':
        this.bar?.update(event.counters.rowsProcessed, {
          embedded: formatInt(event.counters.rowsEmbedded),
          deduped: formatInt(event.counters.rowsDeduped),
          cost: `$${event.counters.costUsd.toFixed(4)}`,
        });
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
    this.bar?.stop();
    this.bar = undefined;
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
