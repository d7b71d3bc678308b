import pc from 'picocolors';
import type { CliIo, OutputStream } from '../cli-io.js';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Where a command writes: the result on stdout (one JSON object with `--json`, a short
 * human summary without), notes and progress on stderr.
 */
export class Output {
  readonly json: boolean;
  readonly colors: Colors;
  readonly errorColors: Colors;
  private readonly io: CliIo;

  constructor(io: CliIo, options: { json: boolean }) {
    this.io = io;
    this.json = options.json;
    this.colors = pc.createColors(colorsEnabled(io.stdout, io.env));
    this.errorColors = pc.createColors(colorsEnabled(io.stderr, io.env));
  }

  /** A line of the human summary (nothing with --json). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** A note on stderr (what the CLI chose for you, what to do next); kept out of stdout. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The one result object of `--json`. */
  result(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`);
  }

  /** One error line on stderr (and, with --json, one object on stdout saying so). */
  error(message: string, code: string): void {
    this.io.stderr.write(`${this.errorColors.red('drift:')} ${message}\n`);
    if (this.json)
      this.io.stdout.write(`${JSON.stringify({ status: 'failed', error: { code, message } })}\n`);
  }

  get stderr(): OutputStream {
    return this.io.stderr;
  }

  /** Progress bars only on a terminal, never with --json. */
  get showProgress(): boolean {
    return !this.json && this.io.stderr.isTTY === true && !this.io.env.CI;
  }

  /** How often a plain progress line is printed off a terminal: DRIFT_PROGRESS_INTERVAL seconds, default 5. */
  get progressIntervalMs(): number {
    const seconds = Number(this.io.env.DRIFT_PROGRESS_INTERVAL);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000;
  }

  get width(): number {
    return this.io.stdout.columns && this.io.stdout.columns > 40 ? this.io.stdout.columns : 100;
  }
}

export function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value;
}
