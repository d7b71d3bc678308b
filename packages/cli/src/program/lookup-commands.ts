import { Command } from '@commander-js/extra-typings';
import { provenanceCommand } from '../commands/provenance-command.js';
import { searchCommand } from '../commands/search-command.js';
import { parsePositiveInteger } from '../options/parse-options.js';
import { defaultModel } from '../resolve/resolve-embedder.js';
import { examples, ledgerHelp } from './command-help.js';
import type { ProgramContext } from './program-context.js';

/** `drift provenance` and `drift search`: what a point is, and which points are near a query. */
export function lookupCommands({ io, state }: ProgramContext) {
  const provenance = new Command('provenance')
    .description(
      'Where a vector came from: the row, the hash of its text, the model, the run, the cost and its history.',
    )
    .argument('[point-id]', 'the point id (a UUID, as drift search prints)')
    .option('--key <key>', 'look the point up by the key of its row instead (with --table)')
    .option('--table <table>', 'the table the key belongs to')
    .option('--sink <uri>', 'only the point in this sink')
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--ledger <path>', ledgerHelp)
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
      "Embed a query with the sink's model and print the nearest rows: key, score and text. In a sink of chunks (embedded with --chunk) each row shows its best chunk (n/N and character offsets); --chunks lists chunks instead.",
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
    .option('--k <n>', 'how many rows (or chunks, with --chunks)', parsePositiveInteger, 5)
    .option(
      '--chunks',
      'one line per chunk, not per row (a sink embedded with --chunk): chunks of a row may repeat its key',
    )
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
        'drift search --sink \'lancedb://./.drift/lancedb?table=tickets\' --shadow-mode "refund for a double charge"',
        'drift search --sink \'lancedb://./.drift/lancedb?table=docs\' --chunks --k 10 "notice period"',
      ]),
    )
    .action(async (query, options) => {
      state.exitCode = await searchCommand(query, options, io);
    });
  return [provenance, search];
}
