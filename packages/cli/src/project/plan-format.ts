import { formatInt, formatUsd } from '../output/format.js';
import type { Output } from '../output/output.js';
import { nextMigrationStep } from './index-migration.js';
import type { IndexPlan } from './plan-index.js';
import { formatDuration } from './plan-time.js';
import type { ProjectPlan } from './project-plan.js';

const plural = (count: number, one: string, many = `${one}s`) =>
  `${formatInt(count)} ${count === 1 ? one : many}`;

/** A readable diff: `+` a new index, `~` one that changes, `=` one in step; and the total. */
export function printProjectPlan(
  output: Output,
  plan: ProjectPlan,
  options: { next: boolean },
): void {
  const c = output.colors;
  output.line(
    `${c.bold('drift plan')}: ${plan.file}, ${plural(plan.indexes.length, 'index', 'indexes')}`,
  );
  for (const index of plan.indexes) {
    const [mark, color] =
      index.action === 'create'
        ? ['+', c.green]
        : index.action === 'none' || index.action === 'migrating'
          ? ['=', c.dim]
          : ['~', c.yellow];
    output.line(`${color(`${mark} ${index.index}`)}: ${headline(index)}`);
    for (const detail of [...details(index), ...migrationLines(index)])
      output.line(`    ${detail}`);
  }
  for (const removed of plan.removed ?? [])
    output.line(
      `${c.red(`- ${removed.sink}`)}: no index of ${plan.file} declares it; the ledger holds ${plural(removed.points, 'point')} of it (${removed.model}). drift apply --destroy drops its points and ledger rows`,
    );
  if (!plan.changed) {
    output.line('No changes: every index is in step with its table.');
    return;
  }
  output.line(`Total: about ${formatUsd(plan.totalCostUsd)}`);
  if (options.next)
    output.line(
      c.dim(
        '  next: drift apply (or drift plan --out plan.json, then drift apply --plan plan.json)',
      ),
    );
}

function headline(index: IndexPlan): string {
  switch (index.action) {
    case 'create':
      return `new index, a full embed with ${index.model} into ${index.sink}`;
    case 'copy':
      return `sink ${index.fromSink} → ${index.sink}: copy ${plural(index.rowsUnchanged, 'vector')}, ${formatUsd(0)} (same model: no re-embed)`;
    case 'migrating':
      return `no changes to make: a migration to ${index.model} is in progress (table at version ${index.tableVersion ?? '?'})`;
    case 'none':
      return `no changes (table at version ${index.tableVersion ?? '?'})`;
    case 'update':
      return index.versionsBehind === undefined
        ? 'rows to bring in step (a full scan: the table has no checkpoint yet)'
        : `${plural(index.versionsBehind, 'version')} behind (checkpoint ${index.checkpointVersion}, table ${index.tableVersion})`;
    case 'rebuild':
      return `rebuild: ${index.reason}, a full embed`;
    case 'migrate':
      return `migration: ${index.reason}`;
  }
}

function details(index: IndexPlan): string[] {
  const time = index.time
    ? `, about ${formatDuration(index.time.seconds)} at the provider's ${index.time.limit}`
    : '';
  const cost = `about ${formatInt(index.tokens)} tokens, ${formatUsd(index.costUsd)}${time}`;
  if (index.action === 'none' || index.action === 'copy' || index.action === 'migrating') return [];
  if (index.action === 'migrate') {
    const migration = index.migration ?? {};
    const adapter = migration.adapter as { pairs?: number; costUsd?: number } | undefined;
    return [
      `a full re-embed into ${String(migration.toSink ?? 'a new sink')}: ${plural(index.rowsToEmbed, 'text')}, ${cost}`,
      ...(adapter
        ? [
            `or an adapter: ${plural(adapter.pairs ?? 0, 'paired sample')}, ${formatUsd(adapter.costUsd ?? 0)}`,
          ]
        : []),
      `never written into ${index.sink} (the old model's index): drift apply --allow-migrate starts the migration (drift migrate)`,
    ];
  }
  const changes = index.changes
    ? `${formatInt(index.changes.inserted)} inserted, ${formatInt(index.changes.updated)} updated, ${formatInt(index.changes.deleted)} deleted: `
    : '';
  return [
    `${changes}${plural(index.rowsToEmbed, 'row')} to embed, ${plural(index.rowsToDelete, 'point')} to delete, ${formatInt(index.rowsUnchanged)} unchanged; ${cost}`,
  ];
}

/** Where the index's migration is: its step from the ledger, and what to run next. */
function migrationLines(index: IndexPlan): string[] {
  const migration = index.inProgress;
  if (!migration) return [];
  const since = migration.since ? ` since ${migration.since}` : '';
  if (migration.state === 'finished')
    return [
      `migrated to ${migration.toSinkUri} (migration ${migration.id} finished${since}): drift apply keeps that sink in step`,
    ];
  return [
    `migration ${migration.id}: ${migration.state}${since}, into ${migration.toSinkUri}; drift apply keeps both sinks in step`,
    `next: ${nextMigrationStep[migration.state]}`,
  ];
}
