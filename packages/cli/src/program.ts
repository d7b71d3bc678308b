import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import pc from 'picocolors';
import type { CliIo } from './cli-io.js';
import { costCommand, costDimensions } from './commands/cost-command.js';
import { defaultDemoFolder, demoCommand } from './commands/demo-command.js';
import { migrateProgram } from './commands/migrate/migrate-program.js';
import { provenanceCommand } from './commands/provenance-command.js';
import {
  type RunCommandOptions,
  type RunKindFlag,
  runPipelineCommand,
} from './commands/run-command.js';
import { runsCommand } from './commands/runs-command.js';
import { searchCommand } from './commands/search-command.js';
import { statusCommand } from './commands/status-command.js';
import { ExitCode } from './errors/cli-error.js';
import { maintenanceCommands } from './maintenance-commands.js';
import { addFollowOptions, followHelp } from './options/follow-options.js';
import {
  parseDate,
  parsePositiveInteger,
  parseUsd,
  parseVersion,
} from './options/parse-options.js';
import { colorsEnabled } from './output/output.js';
import { projectArgs } from './project/project-args.js';
import { projectCommands } from './project/project-commands.js';
import { defaultModel } from './resolve/resolve-embedder.js';

export const cliVersion = '0.1.0';

/** Commander's error, as one line: `drift: unknown command 'embedd' (Did you mean embed?)`. */
function commanderErrorLine(text: string, io: CliIo): string {
  const line = text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  // Colour only where the user's terminal shows it (picocolors alone also colours under CI=true).
  const colors = pc.createColors(colorsEnabled(io.stderr, io.env));
  return `${colors.red('drift:')} ${line}\n`;
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

function addRunOptions(command: Command, kind: RunKindFlag) {
  const withCommon = command
    .requiredOption(
      '--table <table>',
      'a Delta table: its folder (native reader), or catalog.schema.table with --spark',
    )
    .requiredOption('--text-col <column>', 'the column whose text is embedded')
    .option('--key-col <columns>', 'the column(s) that identify a row, comma-separated', 'id')
    .option('--metadata-col <columns>', "columns stored in each point's metadata, comma-separated")
    .option('--model <provider/model>', 'the embedding model', defaultModel)
    .option(
      '--sink <uri>',
      'where vectors go: pglite://path?table=t, postgres://user@host/db?table=t, qdrant://host:6333/collection (default: pglite under ./.drift/)',
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
    .option('--ledger <path>', 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)')
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

/** The `drift` program. Actions store their exit code in `state.exitCode`. */
export function createProgram(io: CliIo, state: { exitCode: number }) {
  const program = new Command('drift')
    .description(
      'Keep a vector index in step with a Delta table: embed it, follow its change feed, and know what every vector cost.',
    )
    .version(cliVersion, '-V, --version', 'print the version of drift')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(commanderErrorLine(text, io)),
    })
    .addHelpText(
      'after',
      examples([
        'drift demo                 # writes a small example Delta table to ./tickets',
        'drift embed --table ./tickets --text-col body --shadow-mode',
        'drift watch --table ./tickets --text-col body --shadow-mode',
        'drift search --sink \'pglite://./.drift/tickets?table=tickets\' --shadow-mode "refund for a double charge"',
        "drift status --sink 'pglite://./.drift/tickets?table=tickets'",
      ]),
    );

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

  const status = new Command('status')
    .description(
      'Points in the sink against points in the ledger, the checkpoint and the last runs of a sink.',
    )
    .requiredOption('--sink <uri>', 'the sink to inspect')
    .option('--limit <n>', 'how many recent runs to show', parsePositiveInteger, 5)
    .option(
      '--table <table>',
      "also show how far the sink is behind this table: latest version and commit time against the checkpoint (lag, backlog), and today's spend",
    )
    .option('--spark <url>', 'read --table through Spark Connect')
    .option('--ledger <path>', 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        "drift status --sink 'pglite://./.drift/tickets?table=tickets'",
        "drift status --sink 'pglite://./.drift/tickets?table=tickets' --table ./tickets",
      ]),
    )
    .action(async (options) => {
      state.exitCode = await statusCommand(options, io);
    });

  const runs = new Command('runs')
    .description('The most recent runs, of one sink or of all.')
    .option('--sink <uri>', 'only the runs of this sink')
    .option('--limit <n>', 'how many runs', parsePositiveInteger, 20)
    .option('--ledger <path>', 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        'drift runs --limit 5',
        "drift runs --sink 'pglite://./.drift/tickets?table=tickets' --json",
      ]),
    )
    .action(async (options) => {
      state.exitCode = await runsCommand(options, io);
    });

  const cost = new Command('cost')
    .description(
      'What the embeddings cost, from the ledger, grouped by model, sink, source or run.',
    )
    .addOption(
      new Option('--by <dimension>', 'how to group')
        .choices(costDimensions)
        .default('model' as const),
    )
    .option('--since <date>', 'only runs since this date', parseDate)
    .option('--ledger <path>', 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', examples(['drift cost', 'drift cost --by sink --since 2026-11-01']))
    .action(async (options) => {
      state.exitCode = await costCommand(options, io);
    });

  const provenance = new Command('provenance')
    .description(
      'Where a vector came from: the row, the hash of its text, the model, the run, the cost and its history.',
    )
    .argument('[point-id]', 'the point id (a UUID, as drift search prints)')
    .option('--key <key>', 'look the point up by the key of its row instead (with --table)')
    .option('--table <table>', 'the table the key belongs to')
    .option('--sink <uri>', 'only the point in this sink')
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--ledger <path>', 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        'drift provenance 3f2a1b8c-5e0d-5a4f-9b1c-2d3e4f5a6b7c',
        'drift provenance --key 2 --table ./tickets',
      ]),
    )
    .action(async (pointId, options) => {
      state.exitCode = await provenanceCommand(pointId, options, io);
    });

  const search = new Command('search')
    .description(
      "Embed a query with the sink's model and print the nearest points: key, score and text.",
    )
    .argument('<query>', 'what to look for')
    .requiredOption('--sink <uri>', 'the sink to search')
    .option(
      '--model <provider/model>',
      "the sink's model; or model B of a migration of this sink that has an adapter (drift migrate adapter fit)",
      defaultModel,
    )
    .option(
      '--shadow-mode',
      'embed the query with shadow vectors (for a sink embedded in shadow mode)',
    )
    .option('--k <n>', 'how many points', parsePositiveInteger, 5)
    .option(
      '--ledger <path>',
      'the ledger file, where an open migration of the sink to --model keeps its adapter',
    )
    .option(
      '--dimensions <n>',
      'vector size, for models that let you choose it',
      parsePositiveInteger,
    )
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        'drift search --sink \'pglite://./.drift/tickets?table=tickets\' --shadow-mode "refund for a double charge"',
      ]),
    )
    .action(async (query, options) => {
      state.exitCode = await searchCommand(query, options, io);
    });

  const demo = new Command('demo')
    .description(
      'Write a small example Delta table (support tickets, 5 versions, Change Data Feed on) to try drift on.',
    )
    .argument('[folder]', 'where to write it (must not exist)', defaultDemoFolder)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', examples(['drift demo', 'drift demo ./my-tickets']))
    .action(async (folder, options) => {
      state.exitCode = await demoCommand(folder, options, io);
    });

  const maintenance = maintenanceCommands(
    io,
    state,
    examples,
    (command) => addRunOptions(command, 'embed') as unknown as Command,
  );
  const configure = (command: Command) =>
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(commanderErrorLine(text, io)),
    });
  const migrate = migrateProgram(io, state, configure);
  for (const command of [
    demo,
    embed,
    watch,
    status,
    runs,
    cost,
    provenance,
    search,
    ...maintenance,
    migrate,
    ...projectCommands(io, state),
  ]) {
    configure(command as unknown as Command);
    program.addCommand(command as unknown as Command);
  }
  return program;
}

/** Runs `drift` with these arguments (without `node` and the script) and returns the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const state = { exitCode: ExitCode.Done as number };
  const program = createProgram(io, state);
  if (args.length === 0) {
    program.outputHelp();
    return ExitCode.Usage;
  }
  const withProject = await projectArgs(args, io);
  if (typeof withProject === 'number') return withProject;
  try {
    await program.parseAsync(withProject, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return ExitCode.Done;
      if (error.code === 'commander.executeSubCommandAsync') return ExitCode.Failed;
      return ExitCode.Usage;
    }
    throw error;
  }
  return state.exitCode;
}
