import { Command } from '@commander-js/extra-typings';
import {
  type RunCommandOptions,
  type RunKindFlag,
  runPipelineCommand,
} from '../commands/run-command.js';
import { chunkHelp, parseChunkOption } from '../options/chunk-option.js';
import { addFollowOptions, followHelp } from '../options/follow-options.js';
import { parsePositiveInteger, parseUsd, parseVersion } from '../options/parse-options.js';
import { defaultModel } from '../resolve/resolve-embedder.js';
import { examples, ledgerHelp } from './command-help.js';
import type { ProgramContext } from './program-context.js';

/** The flags of `embed` and `watch` (and `repair`, which runs embed). */
export function addRunOptions(command: Command, kind: RunKindFlag) {
  const withCommon = command
    .requiredOption(
      '--table <table>',
      'a Delta table: its folder (native reader), or catalog.schema.table with --spark',
    )
    .requiredOption('--text-col <column>', 'the column whose text is embedded')
    .option('--key-col <columns>', 'the column(s) that identify a row, comma-separated', 'id')
    .option('--metadata-col <columns>', "columns stored in each point's metadata, comma-separated")
    .option('--chunk <spec>', chunkHelp, parseChunkOption)
    .option('--model <provider/model>', 'the embedding model', defaultModel)
    .option(
      '--sink <uri>',
      'where vectors go: pglite://path?table=t, postgres://user@host/db?table=t, qdrant://host:6333/collection, lancedb://path?table=t (default: LanceDB under ./.drift/lancedb)',
    )
    .option(
      '--shadow-mode',
      "deterministic mock vectors of the model's size: no API key, no provider call, $0",
    )
    .option('--batch-size <n>', 'rows per batch (and per ledger transaction)', parsePositiveInteger)
    .option('--concurrency <n>', 'provider calls in flight at most', parsePositiveInteger)
    .option('--no-dedup', 're-embed rows even when their text is already embedded')
    .option('--store-content', "store the text in each point's content (the default)")
    .option('--no-store-content', 'store only the hash of the text, not the text')
    .option('--max-cost <usd>', 'stop before spending more than this many USD', parseUsd)
    .option('--price <usd>', "price in USD per 1M tokens, overriding the provider's", parseUsd)
    .option(
      '--dimensions <n>',
      'vector size, for models that let you choose it',
      parsePositiveInteger,
    )
    .option(
      '--dry-run',
      'print what would be embedded, reused, deleted and what it would cost; call nothing, write nothing',
    )
    .option('--ledger <path>', ledgerHelp)
    .option(
      '--spark <url>',
      'read the table through Spark Connect, e.g. sc://localhost:15002 (default for catalog names: $SPARK_REMOTE)',
    )
    .option('--json', "print one JSON object with the run's counters on stdout")
    .option('--include-forgotten', 'embed rows erased by drift forget again (default: skip them)');
  return kind === 'embed'
    ? withCommon
        .option(
          '--version <v>',
          'read the table as of this version (time travel; default the latest)',
          parseVersion,
        )
        .option(
          '--adopt-sink',
          'the ledger was lost (a new runner): first record the points the sink holds, from their key, content_hash and model, so unchanged rows are not embedded again',
        )
    : addFollowOptions(
        withCommon
          .option(
            '--since-version <v>',
            'first version to apply (default: after the checkpoint; none: bootstrap from the latest snapshot)',
            parseVersion,
          )
          .option('--to-version <v>', 'last version to apply (default: the latest)', parseVersion),
      );
}

/** `drift embed` and `drift watch`. */
export function runCommands({ io, state }: ProgramContext) {
  const embed = addRunOptions(
    new Command('embed').description(
      'Embed a text column of a Delta table into a vector store (a full scan; unchanged rows are not paid for twice; points of rows gone from the table are deleted).',
    ),
    'embed',
  )
    .addHelpText(
      'after',
      examples([
        'drift embed --table ./tickets --text-col body --shadow-mode',
        'drift embed --table ./data/docs --text-col body --key-col doc_id --sink qdrant://localhost:6333/docs --max-cost 5',
        'drift embed --table ./data/docs --text-col body --dry-run',
        'drift embed --table ./data/wiki --text-col page --chunk markdown:512 --shadow-mode',
      ]),
    )
    .action(async (options) => {
      state.exitCode = await runPipelineCommand(
        'embed',
        options as unknown as RunCommandOptions,
        io,
      );
    });

  const watch = addRunOptions(
    new Command('watch').description(
      "Apply a Delta table's Change Data Feed since the last checkpoint: embed what changed, delete what was deleted.",
    ),
    'watch',
  )
    .addHelpText(
      'after',
      examples([
        'drift watch --table ./tickets --text-col body --shadow-mode',
        'drift watch --table ./data/docs --text-col body --sink postgres://me@localhost:5432/app?table=docs --since-version 12',
        'drift watch --table ./tickets --text-col body --follow --interval 30s --metrics-port 9464 --max-cost-per-day 5',
        'drift watch --table ./tickets --text-col body --recover   # after a recreated or vacuumed table',
      ]),
    )
    .addHelpText('after', followHelp)
    .action(async (options) => {
      state.exitCode = await runPipelineCommand(
        'watch',
        options as unknown as RunCommandOptions,
        io,
      );
    });
  return [embed, watch];
}
