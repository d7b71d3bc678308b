import { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../cli-io.js';
import { parsePositiveInteger, parseUsd } from '../../options/parse-options.js';
import { examples, ledgerHelp } from '../../program/command-help.js';
import { migrateAdapterFitCommand } from './migrate-adapter.js';
import { migrateEvalCommand } from './migrate-eval.js';
import {
  type MigrateStartOptions,
  migratePlanCommand,
  migrateStartCommand,
} from './migrate-start.js';
import { migrateStatusCommand } from './migrate-status.js';
import { migrateSwitchCommand } from './migrate-switch.js';

const migrationHelp = 'which migration (default: the only open one)';
const shadowHelp = "deterministic mock vectors of each model's size: no API key, $0";

const lifecycle = `
The lifecycle, one step at a time (each recorded in the ledger, idempotent, refused in
the wrong state with what to run first):
  plan      what a full re-embed with model B costs, what is reusable, and an adapter instead
  start     create SINK_B, backfill it with B (resumable: run it again after a crash)
  watch     drift watch --sink SINK_A now writes both sinks from one read of the change feed
  adapter   fit a map from B's space into A's, to query SINK_A with model B right away
  eval      compare SINK_A, SINK_B and the adapter on held-out queries
  cutover   move the name applications query (view / alias) to SINK_B
  rollback  move it back to SINK_A
  finish    drop SINK_A and end dual-write (asks for --yes)
`;

type Out = { out(command: Command): void };

function addSourceOptions(command: Command) {
  return command
    .requiredOption(
      '--table <table>',
      'the Delta table the index is built from (Change Data Feed on)',
    )
    .requiredOption('--text-col <column>', 'the column whose text is embedded')
    .option('--key-col <columns>', 'the column(s) that identify a row, comma-separated', 'id')
    .option('--metadata-col <columns>', "columns stored in each point's metadata, comma-separated")
    .requiredOption('--from <uri>', 'SINK_A: the live sink, embedded with the old model')
    .option(
      '--from-model <provider/model>',
      "SINK_A's model (default: the one the ledger recorded for it)",
    )
    .requiredOption('--to-model <provider/model>', 'model B, the new model')
    .option(
      '--to-sink <uri>',
      'SINK_B (default: beside SINK_A, named after it and model B, e.g. table docs → docs_titan_embed_text_v2_0)',
    )
    .option(
      '--alias <name>',
      'the stable name applications query: a view (PostgreSQL, PGlite) or a collection alias (Qdrant); default <SINK_A table>_live',
    )
    .option('--shadow-mode', shadowHelp)
    .option('--batch-size <n>', 'rows per batch', parsePositiveInteger)
    .option('--concurrency <n>', 'provider calls in flight at most', parsePositiveInteger)
    .option(
      '--max-cost <usd>',
      'stop the backfill before spending more than this many USD',
      parseUsd,
    )
    .option(
      '--pairs <n>',
      'paired samples an adapter would be fitted on (for the plan)',
      parsePositiveInteger,
    )
    .option(
      '--tokens-per-minute <n>',
      "your provider account's token rate limit, for the time estimate",
      parsePositiveInteger,
    )
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout');
}

function addStepOptions(command: Command) {
  return command
    .option('--migration <id>', migrationHelp)
    .option('--shadow-mode', shadowHelp)
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout');
}

/** `drift migrate …`: change the embedding model of a live index without downtime. */
export function migrateProgram(io: CliIo, state: { exitCode: number }, configure: Out['out']) {
  const set = (code: Promise<number>) =>
    code.then((exitCode) => {
      state.exitCode = exitCode;
    });
  const source =
    "drift migrate start --table ./docs --text-col body --from 'pglite://./.drift/docs?table=docs' --to-model bedrock/amazon.titan-embed-text-v2:0";
  const migrate = new Command('migrate')
    .description(
      'Move a live index to a new embedding model without downtime: backfill a second sink, keep both in step, measure, cut over, roll back, finish.',
    )
    .addHelpText(
      'after',
      `${lifecycle}${examples([
        source.replace('start', 'plan'),
        source,
        "drift watch --table ./docs --text-col body --sink 'pglite://./.drift/docs?table=docs' --model openai/text-embedding-ada-002",
        'drift migrate adapter fit --pairs 2000',
        'drift migrate eval --queries ./queries.jsonl --k 10',
        'drift migrate cutover',
        'drift migrate status',
        'drift migrate finish --yes',
      ])}`,
    );

  const plan = addSourceOptions(
    new Command('plan').description(
      'What moving SINK_A to model B costs: rows, tokens, USD and time of a full re-embed, what is already embedded with B, and the cost of an adapter instead. Calls no provider, writes nothing.',
    ),
  )
    .addHelpText('after', examples([source.replace('start', 'plan')]))
    .action((options) => set(migratePlanCommand(options as MigrateStartOptions, io)));
  const start = addSourceOptions(
    new Command('start').description(
      'Record the migration, create SINK_B and backfill it with model B through the normal engine (dedup, retries, budget). Killed? Run it again: it resumes and pays nothing twice.',
    ),
  )
    .addHelpText(
      'after',
      examples([source, `${source} --to-sink qdrant://localhost:6333/docs_titan --alias docs`]),
    )
    .action((options) => set(migrateStartCommand(options as MigrateStartOptions, io)));
  const status = addStepOptions(
    new Command('status').description(
      'Open migrations: state, points in each sink, versions applied, SINK_B backlog, spend, adapter, evaluation, and every step taken.',
    ),
  )
    .addHelpText('after', examples(['drift migrate status', 'drift migrate status --json']))
    .action((options) => set(migrateStatusCommand(options, io)));
  const evaluate = addStepOptions(
    new Command('eval').description(
      'Shadow evaluation on held-out queries: SINK_A with model A, SINK_B with model B (once backfilled) and SINK_A through the adapter (once fitted): overlap@k with B, recall@k and nDCG@k where queries carry labels. Recorded with the migration (cutover asks for it).',
    ),
  )
    .option(
      '--queries <file>',
      'JSON lines {"query": "…", "relevant": ["key", …]} (default: texts sampled from the table, unlabelled)',
    )
    .option(
      '--samples <n>',
      'queries sampled from the table without --queries',
      parsePositiveInteger,
    )
    .option('--k <n>', 'results per query', parsePositiveInteger, 10)
    .addHelpText(
      'after',
      examples(['drift migrate eval', 'drift migrate eval --queries ./queries.jsonl --k 10']),
    )
    .action((options) => set(migrateEvalCommand(options, io)));

  const adapter = new Command('adapter').description(
    "Fit or evaluate a query adapter: a map from model B's space into model A's, so applications can query SINK_A with model B before SINK_B is ready.",
  );
  const fit = addStepOptions(
    new Command('fit').description(
      "Sample N texts from the table, embed each with both models (recorded in the ledger as the migration's sampling run), fit the families and keep the best on held-out pairs; writes a versioned adapter file whose hash the ledger keeps.",
    ),
  )
    .option('--pairs <n>', 'paired samples', parsePositiveInteger)
    .option(
      '--families <list>',
      'families to try, comma-separated: procrustes, low-rank-affine, residual-mlp (default all)',
    )
    .option('--seed <n>', 'seed of the sample and the fit', parsePositiveInteger)
    .option(
      '--out <path>',
      'the adapter file (default ./.drift/adapters/<migration>.<hash>.adapter.json)',
    )
    .addHelpText(
      'after',
      examples([
        'drift migrate adapter fit --pairs 2000',
        'drift migrate adapter fit --families procrustes --json',
      ]),
    )
    .action((options) => set(migrateAdapterFitCommand(options, io)));
  const adapterEval = addStepOptions(
    new Command('eval').description(
      'The same evaluation as drift migrate eval (the adapter is one of its rows).',
    ),
  )
    .option('--queries <file>', 'JSON lines {"query": "…", "relevant": ["key", …]}')
    .option(
      '--samples <n>',
      'queries sampled from the table without --queries',
      parsePositiveInteger,
    )
    .option('--k <n>', 'results per query', parsePositiveInteger, 10)
    .action((options) => set(migrateEvalCommand(options, io)));
  for (const command of [fit, adapterEval]) {
    configure(command as unknown as Command);
    adapter.addCommand(command as unknown as Command);
  }

  const switchStep = (
    name: 'cutover' | 'rollback' | 'finish',
    description: string,
    extra: string[],
  ) => {
    const command = addStepOptions(new Command(name).description(description));
    if (name === 'cutover')
      command.option(
        '--force',
        'cut over even when the gate refuses (backfill incomplete, sinks out of step, no evaluation)',
      );
    if (name === 'finish') command.option('--yes', 'confirm: drop SINK_A for good');
    return command
      .addHelpText('after', examples(extra))
      .action((options) => set(migrateSwitchCommand(name, options, io)));
  };
  const steps = [
    plan,
    start,
    status,
    evaluate,
    adapter,
    switchStep(
      'cutover',
      'Point the stable name (view / alias) at SINK_B, after a gate: backfill complete, both sinks equal the table, evaluation recorded.',
      ['drift migrate cutover', 'drift migrate cutover --force'],
    ),
    switchStep(
      'rollback',
      'Point the stable name back at SINK_A (kept in step by drift watch until finish).',
      ['drift migrate rollback'],
    ),
    switchStep(
      'finish',
      'End the migration: drop SINK_A (after --yes) and stop dual-write; drift watch then follows SINK_B with model B.',
      ['drift migrate finish --yes'],
    ),
  ];
  for (const command of steps) {
    configure(command as unknown as Command);
    migrate.addCommand(command as unknown as Command);
  }
  return migrate;
}
