import { join } from 'node:path';
import { expect } from 'vitest';
import { type DriftRun, parseJson, runDrift, type TicketRow } from './cli-harness.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';

/**
 * Runs `drift embed`/`drift watch` on one Delta table through the Spark engine (`--spark`)
 * and through the native reader, each into its own PGlite sink and ledger, and checks after
 * every run that both report the same counts and that both sinks hold exactly the table's
 * rows (same point ids, since both engines use the table's id; same hashes and texts).
 */

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;

/** Fields of a run summary that name the run, the engine or the clock, not what it did. */
const perRunFields = new Set([
  'runId',
  'startedAt',
  'finishedAt',
  'durationMs',
  'durationS',
  'elapsedMs',
  'sink',
  'sinkUri',
  'ledger',
  'engine',
  'table',
]);

function counts(summary: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(summary).filter(([key]) => !perRunFields.has(key)));
}

export interface EnginePairOptions {
  work: string;
  tablePath: string;
  remote: string;
  env: NodeJS.ProcessEnv;
  /** Rows per batch (small, so a run has several). */
  batchSize?: number;
}

export interface BothResults {
  spark: Record<string, unknown>;
  native: Record<string, unknown>;
  /** Points in each sink. */
  points: number;
}

export function enginePair(options: EnginePairOptions) {
  const { work, tablePath, remote, env } = options;
  const engines = {
    spark: {
      sink: `pglite://${join(work, 'sink-spark')}?table=t`,
      ledger: join(work, 'ledger-spark.db'),
      extra: ['--spark', remote],
    },
    native: {
      sink: `pglite://${join(work, 'sink-native')}?table=t`,
      ledger: join(work, 'ledger-native.db'),
      extra: [] as string[],
    },
  };

  /** Runs `command` with both engines; `rows` is the table now, `version` its version. */
  async function runBoth(
    command: 'embed' | 'watch',
    rows: Iterable<TicketRow>,
    version: number,
    label: string = command,
  ): Promise<BothResults> {
    const results: Record<string, Record<string, unknown>> = {};
    for (const [name, engine] of Object.entries(engines)) {
      const run: DriftRun = await runDrift(
        [
          command,
          '--table',
          tablePath,
          ...engine.extra,
          '--text-col',
          'body',
          '--shadow-mode',
          '--sink',
          engine.sink,
          '--ledger',
          engine.ledger,
          '--batch-size',
          String(options.batchSize ?? 4),
          '--json',
        ],
        { cwd: work, env },
      );
      expect(run.code, `${label} (${name}): ${run.stderr}`).toBe(0);
      expect(run.stderr, `${label} (${name})`).not.toMatch(/drift:/);
      results[name] = parseJson(run);
      if (process.env.DRIFT_TEST_VERBOSE) console.info(label, name, JSON.stringify(results[name]));
      expect(results[name], `${label} (${name})`).toMatchObject({
        status: 'succeeded',
        rowsFailed: 0,
        ...(command === 'watch' ? { toVersion: version } : {}),
      });
    }
    const sparkResult = results.spark!;
    const nativeResult = results.native!;
    expect(sparkResult.source, 'both engines name the table by its Delta id').toBe(
      nativeResult.source,
    );
    expect(counts(sparkResult), `${label}: Spark vs native summary`).toEqual(counts(nativeResult));

    const sourceId = String(nativeResult.source);
    const expected = expectedPoints(sourceId, rows);
    const sparkSink = await readSink(engines.spark.sink, model, dimensions);
    const nativeSink = await readSink(engines.native.sink, model, dimensions);
    expect(sparkSink, `${label}: Spark sink vs native sink`).toEqual(nativeSink);
    expect(new Set(nativeSink.keys()), `${label}: point ids`).toEqual(new Set(expected.keys()));
    for (const [id, point] of expected) expect(nativeSink.get(id), label).toEqual(point);
    for (const [name, engine] of Object.entries(engines)) {
      const sinkId = String(results[name]!.sink);
      expect(await ledgerPointCount(engine.ledger, sinkId), `${label}: ledger (${name})`).toBe(
        expected.size,
      );
    }
    return { spark: sparkResult, native: nativeResult, points: nativeSink.size };
  }

  return { runBoth };
}
