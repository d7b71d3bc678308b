import { Command, Option } from '@commander-js/extra-typings';
import { costCommand, costDimensions } from '../commands/cost-command.js';
import { runsCommand } from '../commands/runs-command.js';
import { statusCommand } from '../commands/status-command.js';
import { parseDate, parsePositiveInteger } from '../options/parse-options.js';
import { examples, ledgerHelp } from './command-help.js';
import type { ProgramContext } from './program-context.js';

/** `drift status`, `drift runs` and `drift cost`: what the ledger says of the sinks. */
export function reportCommands({ io, state }: ProgramContext) {
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
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        "drift status --sink 'lancedb://./.drift/lancedb?table=tickets'",
        "drift status --sink 'lancedb://./.drift/lancedb?table=tickets' --table ./tickets",
      ]),
    )
    .action(async (options) => {
      state.exitCode = await statusCommand(options, io);
    });

  const runs = new Command('runs')
    .description('The most recent runs, of one sink or of all.')
    .option('--sink <uri>', 'only the runs of this sink')
    .option('--limit <n>', 'how many runs', parsePositiveInteger, 20)
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        'drift runs --limit 5',
        "drift runs --sink 'lancedb://./.drift/lancedb?table=tickets' --json",
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
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', examples(['drift cost', 'drift cost --by sink --since 2026-11-01']))
    .action(async (options) => {
      state.exitCode = await costCommand(options, io);
    });
  return [status, runs, cost];
}
