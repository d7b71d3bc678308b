import { DuplicateKeys } from './engine-duplicates.js';
import type { WorkItem } from './engine-items.js';
import { prepareBatch } from './engine-prepare.js';
import { changeItems, scanItems } from './engine-reader.js';
import { checkpointRef, resumeVersion } from './engine-resume.js';
import { prepareContext, type RunSettings, readerContext } from './engine-settings.js';
import { guardPlugins, prepareRun } from './engine-start.js';
import { assertChangeFeed } from './engine-sync.js';
import type { EmbedRunOptions, PlanResult, RunOptions, SyncRunOptions } from './engine-types.js';

/** What `embed` would do: the same dedup, no provider call, no write, no lock. */
export async function planEmbed(input: EmbedRunOptions): Promise<PlanResult> {
  const options = guardPlugins(input);
  const { description, settings } = await prepareRun(options);
  const version = options.version ?? description.latestVersion;
  const duplicates = new DuplicateKeys();
  return plan(
    options,
    settings,
    scanItems({ ...readerContext(options, settings), duplicates }, version),
    duplicates,
  );
}

/** What `sync` would do from the checkpoint (or a bootstrap), without doing it. */
export async function planSync(input: SyncRunOptions): Promise<PlanResult> {
  const options = guardPlugins(input);
  const { description, settings } = await prepareRun(options);
  assertChangeFeed(options.source, description);
  const toVersion = options.toVersion ?? description.latestVersion;
  const fromVersion =
    options.fromVersion ?? (await resumeVersion(options.ledger, checkpointRef(options)));
  if (toVersion === undefined || (fromVersion !== undefined && fromVersion > toVersion))
    return plan(options, settings, empty());
  const reader = readerContext(options, settings);
  const duplicates = new DuplicateKeys();
  return plan(
    options,
    settings,
    fromVersion === undefined
      ? scanItems({ ...reader, duplicates }, toVersion)
      : changeItems(reader, fromVersion, toVersion),
    duplicates,
    { inserted: 0, updated: 0, deleted: 0 },
  );
}

async function* empty(): AsyncGenerator<WorkItem[]> {}

async function plan(
  options: RunOptions,
  settings: RunSettings,
  batches: AsyncIterable<WorkItem[]>,
  duplicates?: DuplicateKeys,
  changes?: NonNullable<PlanResult['changes']>,
): Promise<PlanResult> {
  const { embedder } = options;
  const result: PlanResult = {
    rowsProcessed: 0,
    rowsToEmbed: 0,
    rowsToReuse: 0,
    rowsDeduped: 0,
    rowsSkipped: 0,
    rowsForgotten: 0,
    duplicateKeys: 0,
    rowsToDelete: 0,
    estimatedTokens: 0,
    estimatedCostUsd: 0,
    usdPerMillionTokens: embedder.price.usdPerMillionTokens,
  };
  let batch = 0;
  const context = prepareContext(
    {
      ledger: options.ledger,
      sinkId: options.sink.id,
      fingerprint: embedder.fingerprint,
      signal: options.signal,
    },
    settings,
  );
  for await (const items of batches) {
    const prepared = await prepareBatch(++batch, items, context);
    result.rowsProcessed += prepared.rows;
    result.rowsDeduped += prepared.deduped;
    result.rowsSkipped += prepared.skipped;
    result.rowsForgotten += prepared.forgotten;
    result.rowsToDelete += prepared.deletes.length;
    if (changes) countChanges(changes, prepared);
    for (const group of prepared.groups) {
      if (group.reuseFrom || group.retired) {
        result.rowsToReuse += group.items.length;
        continue;
      }
      result.rowsToEmbed += 1;
      result.rowsToReuse += group.items.length - 1;
      result.estimatedTokens += Math.min(
        Math.max(0, embedder.countTokens(group.text)),
        embedder.limits.maxTokensPerInput,
      );
    }
  }
  if (changes) result.changes = changes;
  result.duplicateKeys = duplicates?.count ?? 0;
  result.estimatedCostUsd = (result.estimatedTokens * embedder.price.usdPerMillionTokens) / 1e6;
  return result;
}

/** A sync's net effect as the run would count it: an upsert of a live point is an update. */
function countChanges(
  changes: NonNullable<PlanResult['changes']>,
  prepared: Awaited<ReturnType<typeof prepareBatch>>,
): void {
  for (const group of prepared.groups)
    for (const item of group.items) {
      if (prepared.existing.has(item.pointId)) changes.updated++;
      else changes.inserted++;
    }
  changes.updated += prepared.unchanged;
  changes.deleted += prepared.deletes.length;
}
