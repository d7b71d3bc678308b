import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Embedder, Sink } from '@drift-spark/core';
import { searchRows } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { ExitCode, usageError } from '../../errors/cli-error.js';
import type { Output } from '../../output/output.js';
import { renderTable } from '../../output/table.js';
import { withCommand } from '../command-context.js';
import { loadAdapterPackage } from './migrate-adapter-bridge.js';
import { sampledChunks } from './migrate-chunking.js';
import {
  findMigration,
  type MigrateStepOptions,
  openMigrationLedger,
  openMigrationPlugins,
  settingsOf,
} from './migrate-context.js';
import { embedAll, sampleTexts } from './migrate-sampling.js';
import { checkStep } from './migrate-states.js';

export interface MigrateEvalOptions extends MigrateStepOptions {
  queries?: string;
  k?: number;
  samples?: number;
}

interface EvalQuery {
  query: string;
  relevant?: string[];
}

/** `--queries FILE`: JSON lines `{"query": "…", "relevant": ["key", …]}` (relevant optional). */
export function readQueries(path: string, cwd: string): EvalQuery[] {
  let text: string;
  try {
    text = readFileSync(resolvePath(cwd, path), 'utf8');
  } catch (error) {
    throw usageError(`Cannot read --queries ${path}: ${(error as Error).message}.`, error);
  }
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw usageError(
          `--queries ${path} line ${number} is not JSON: each line is {"query": "…", "relevant": ["key"]}.`,
        );
      }
      const entry = parsed as { query?: unknown; relevant?: unknown };
      if (typeof entry.query !== 'string' || entry.query.trim() === '')
        throw usageError(`--queries ${path} line ${number} has no "query" string.`);
      if (entry.relevant !== undefined && !Array.isArray(entry.relevant))
        throw usageError(`--queries ${path} line ${number}: "relevant" must be a list of keys.`);
      return {
        query: entry.query,
        ...(entry.relevant ? { relevant: (entry.relevant as unknown[]).map(String) } : {}),
      };
    });
}

/**
 * `drift migrate eval`: held-out queries through SINK_A with model A, SINK_B with model B
 * (once backfilled) and SINK_A through the adapter (once fitted): overlap@k with B's own
 * results, recall@k and nDCG@k where queries carry labels. Stored with the migration.
 */
export function migrateEvalCommand(options: MigrateEvalOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const adapters = await loadAdapterPackage(io.importer);
    const { store } = await openMigrationLedger(options, io, track);
    const migration = await findMigration(store, options.migration);
    checkStep(migration, 'eval');
    const k = options.k ?? 10;
    const plugins = await openMigrationPlugins(migration, options, io, track, output);
    const settings = settingsOf(migration);
    const queries: EvalQuery[] = options.queries
      ? readQueries(options.queries, io.cwd)
      : sampledChunks(
          await sampleTexts(plugins.source, settings, options.samples ?? 100, 7919, io.signal),
          settings,
          plugins.embedderA,
        ).map((sample) => ({ query: sample.text }));
    if (queries.length === 0) throw usageError('No queries to evaluate: pass --queries FILE.');
    const texts = queries.map((entry) => entry.query);
    const backfilled = !['planned', 'backfilling'].includes(migration.state);
    const adapter = migration.adapterPath
      ? await adapters.loadAdapter(migration.adapterPath)
      : undefined;
    if (adapter && adapters.adapterHash(adapter) !== migration.adapterHash)
      throw usageError(
        `The adapter file ${migration.adapterPath} changed since it was fitted (hash mismatch): run drift migrate adapter fit again.`,
      );

    const searcher = async (embedder: Embedder, sink: Sink) => {
      const { vectors } = await embedAll(embedder, texts, io.signal);
      return async (index: number, limit: number) =>
        // Rows, not chunks: the best chunk of each row (one search of `limit` for whole rows).
        (await searchRows(sink, vectors[index]!, { k: limit, signal: io.signal })).rows.map(
          (row) => row.best.payload.key,
        );
    };
    const searchA = await searcher(plugins.embedderA, plugins.sinkA);
    const searchB = backfilled ? await searcher(plugins.embedderB, plugins.sinkB) : undefined;
    const searchAdapter = adapter
      ? await searcher(adapters.createAdapterEmbedder(plugins.embedderB, adapter), plugins.sinkA)
      : undefined;
    const evaluate = (search: (index: number, limit: number) => Promise<string[]>) =>
      adapters.evaluateQueries<number>({
        queries: queries.map((entry, index) => ({
          query: index,
          ...(entry.relevant ? { relevant: entry.relevant } : {}),
        })),
        search,
        ...(searchB ? { reference: searchB } : {}),
        k,
        ...(io.signal ? { signal: io.signal } : {}),
      });
    const results: Record<string, unknown> = {
      k,
      queries: queries.length,
      labelled: queries.filter((entry) => entry.relevant && entry.relevant.length > 0).length,
      source: options.queries ? 'file' : 'sampled texts',
      at: new Date().toISOString(),
      sinkA: await evaluate(searchA),
      ...(searchB ? { sinkB: await evaluate(searchB) } : {}),
      ...(searchAdapter
        ? {
            adapter: {
              ...(await evaluate(searchAdapter)),
              hash: migration.adapterHash,
              family: adapter?.family,
            },
          }
        : {}),
    };
    await store.update(migration.id, { evalResults: results });
    printEval(output, results);
    return ExitCode.Done;
  });
}

function printEval(output: Output, results: Record<string, unknown>): void {
  if (output.json) {
    output.result(results);
    return;
  }
  const k = results.k as number;
  const metric = (value: unknown) => (typeof value === 'number' ? value.toFixed(3) : '-');
  const rows = (['sinkA', 'sinkB', 'adapter'] as const)
    .filter((name) => results[name] !== undefined)
    .map((name) => {
      const row = results[name] as Record<string, unknown>;
      const label = {
        sinkA: 'SINK_A with A',
        sinkB: 'SINK_B with B',
        adapter: 'SINK_A through the adapter',
      }[name];
      return [label, metric(row.overlapAtK), metric(row.recallAtK), metric(row.ndcgAtK)];
    });
  output.line(
    `${output.colors.bold('drift migrate eval')}: ${results.queries} queries (${results.source}), ${results.labelled} labelled`,
  );
  output.line(renderTable(['search', `overlap@${k} with B`, `recall@${k}`, `nDCG@${k}`], rows));
  output.line(output.colors.dim('  recorded with the migration; next: drift migrate cutover'));
}
