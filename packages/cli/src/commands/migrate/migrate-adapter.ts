import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Embedder } from '@drift-spark/core';
import { zeroCounters } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { ExitCode, usageError } from '../../errors/cli-error.js';
import { formatInt, formatUsd } from '../../output/format.js';
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
import { defaultPairs } from './migrate-plan.js';
import { embedAll, sampleTexts } from './migrate-sampling.js';
import { checkStep } from './migrate-states.js';

export interface MigrateAdapterFitOptions extends MigrateStepOptions {
  pairs?: number;
  families?: string;
  out?: string;
  seed?: number;
}

/**
 * `drift migrate adapter fit`: samples N texts, embeds each with both models (the cost
 * is recorded as the migration's sampling run), fits a map from B's space into A's,
 * writes the versioned adapter file and records its hash with the migration.
 */
export function migrateAdapterFitCommand(
  options: MigrateAdapterFitOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const adapters = await loadAdapterPackage(io.importer);
    const { ledger, store } = await openMigrationLedger(options, io, track);
    const migration = await findMigration(store, options.migration);
    checkStep(migration, 'adapter');
    const families = options.families?.split(',').map((family) => family.trim());
    for (const family of families ?? [])
      if (!adapters.adapterFamilies.includes(family as never))
        throw usageError(
          `Unknown adapter family "${family}" (--families): use ${adapters.adapterFamilies.join(', ')}.`,
        );
    const plugins = await openMigrationPlugins(migration, options, io, track, output, {
      sinks: false,
    });
    const { embedderA, embedderB, source } = plugins;
    await source.describe({ signal: io.signal });
    const settings = settingsOf(migration);
    const seed = options.seed ?? 1;
    const texts = sampledChunks(
      await sampleTexts(source, settings, options.pairs ?? defaultPairs, seed, io.signal),
      settings,
      embedderA,
    );
    if (texts.length < 10)
      throw usageError(
        `The table has ${texts.length} rows with text: an adapter needs at least 10 pairs.`,
      );

    // The samples land in no sink: the run is keyed to the migration, so it takes no sink's lock.
    const runId = randomUUID();
    const sampleSink = `migration:${migration.id}/adapter-samples`;
    await ledger.startRun({
      runId,
      kind: 'migrate',
      sourceId: migration.sourceId,
      sinkId: sampleSink,
      model: embedderB.id,
      fingerprint: embedderB.fingerprint,
      usdPerMillionTokens: embedderB.price.usdPerMillionTokens,
      priceSource: embedderB.price.source,
      options: { purpose: 'adapter samples', pairs: texts.length, fromModel: embedderA.id },
      startedAt: new Date(),
    });
    await store.linkRun(migration.id, runId, 'sampling');
    const spent = { tokens: 0, costUsd: 0 };
    const embedSamples = async (embedder: Embedder) => {
      const result = await embedAll(
        embedder,
        texts.map((sample) => sample.text),
        io.signal,
      );
      const costUsd = (result.tokens * embedder.price.usdPerMillionTokens) / 1e6;
      await store.recordSpend({
        runId,
        sinkId: sampleSink,
        sourceId: migration.sourceId,
        model: embedder.id,
        tokens: result.tokens,
        costUsd,
        embeddings: texts.length,
        at: new Date(),
      });
      spent.tokens += result.tokens;
      spent.costUsd += costUsd;
      return result.vectors;
    };
    let fit: Awaited<ReturnType<typeof adapters.fitAdapter>>;
    try {
      const target = await embedSamples(embedderA);
      const sourceVectors = await embedSamples(embedderB);
      fit = await adapters.fitAdapter(
        { source: sourceVectors, target },
        {
          fromModel: embedderB.id,
          toModel: embedderA.id,
          seed,
          ...(families ? { families: families as never } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
        },
      );
    } catch (error) {
      await ledger.finishRun(runId, {
        status: 'failed',
        counters: { ...zeroCounters(), ...spent },
        finishedAt: new Date(),
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    await ledger.finishRun(runId, {
      status: 'succeeded',
      counters: { ...zeroCounters(), rowsProcessed: texts.length, ...spent },
      finishedAt: new Date(),
    });
    const hash = adapters.adapterHash(fit.adapter);
    const path = resolvePath(
      io.cwd,
      options.out ??
        join('.drift', 'adapters', `${migration.id}.${hash.slice(0, 12)}.adapter.json`),
    );
    mkdirSync(dirname(path), { recursive: true });
    await adapters.saveAdapter(path, fit.adapter);
    await store.update(migration.id, { adapterHash: hash, adapterPath: path });

    const candidates = fit.candidates.map((candidate) => ({
      family: candidate.family,
      heldOutCosine: candidate.heldOutCosine,
      heldOutOverlapAt10: candidate.heldOutOverlapAt10 ?? null,
      heldOutFidelityAt10: candidate.heldOutFidelityAt10 ?? null,
      fitMs: candidate.fitMs,
      applyMicros: candidate.applyMicros,
    }));
    if (output.json) {
      output.result({
        migrationId: migration.id,
        runId,
        family: fit.adapter.family,
        adapterHash: hash,
        adapterPath: path,
        pairs: texts.length,
        tokens: spent.tokens,
        costUsd: spent.costUsd,
        candidates,
      });
      return ExitCode.Done;
    }
    output.line(
      `${output.colors.bold('drift migrate adapter fit')}: ${fit.adapter.family} from ${embedderB.id} into ${embedderA.id}, on ${formatInt(texts.length)} pairs`,
    );
    output.line(
      renderTable(
        ['family', 'held-out cosine', 'overlap@10 with B', 'fidelity@10 to A', 'fit', 'µs/query'],
        candidates.map((candidate) => [
          candidate.family,
          candidate.heldOutCosine.toFixed(3),
          candidate.heldOutOverlapAt10?.toFixed(3) ?? '-',
          candidate.heldOutFidelityAt10?.toFixed(3) ?? '-',
          `${Math.round(candidate.fitMs)} ms`,
          candidate.applyMicros.toFixed(1),
        ]),
      ),
    );
    output.line(`  adapter ${hash.slice(0, 12)} written to ${path}`);
    output.line(
      `  samples: ${formatInt(spent.tokens)} tokens, ${formatUsd(spent.costUsd)} (run ${runId}, in drift cost --by run)`,
    );
    output.line(
      output.colors.dim(
        `  next: drift migrate eval, or query SINK_A with model B now: drift search --sink … --model ${embedderB.id} "…"`,
      ),
    );
    return ExitCode.Done;
  });
}
