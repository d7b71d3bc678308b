import { Command } from '@commander-js/extra-typings';
import { type ForgetCommandOptions, forgetCommand } from '../commands/forget-command.js';
import { repairCommand } from '../commands/repair-command.js';
import type { RunCommandOptions } from '../commands/run-command.js';
import { type VerifyCommandOptions, verifyCommand } from '../commands/verify-command.js';
import { parseChunkOption } from '../options/chunk-option.js';
import { parsePositiveInteger, parseVersion } from '../options/parse-options.js';
import { examples, ledgerHelp } from './command-help.js';
import type { ProgramContext } from './program-context.js';
import { addRunOptions } from './run-commands.js';

/** `drift forget`, `drift verify` and `drift repair`: keeping an index honest over months. */
export function maintenanceCommands({ io, state }: ProgramContext): Command[] {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const forget = new Command('forget')
    .description(
      'Erase rows on request (GDPR): delete their points from every sink the ledger knows for the table, drop their content hashes from the ledger, and keep a receipt per key proving each sink no longer returns them. A later embed skips these rows unless given --include-forgotten.',
    )
    .requiredOption('--table <table>', 'the Delta table the rows belong to')
    .option('--key <key>', 'the key of a row to erase (repeatable)', collect)
    .option(
      '--keys-from <file>',
      'a file of keys, one per line; a composite key as a JSON line: ["a", 1] in --key-col order, or {"col": "a"}',
    )
    .option('--key-col <columns>', 'the key column(s), comma-separated (for JSON lines)', 'id')
    .option('--reason <text>', 'a request reference kept in the receipts (never row text)')
    .option('--receipt <key>', 'print the erasure receipt of this key instead of erasing')
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `${examples([
        'drift forget --table ./tickets --key 42 --key 43 --reason "request #981"',
        'drift forget --table ./tickets --keys-from erasures.txt',
        'drift forget --table ./tickets --receipt 42',
      ])}
A composite key is JSON, with --key-col naming its columns: --key '["eu", 42]'.
The ledger file is compacted (VACUUM) after the erasure, so no copy of an erased hash
stays in its free space. PostgreSQL keeps deleted rows on disk until its next VACUUM:
run VACUUM on the sink's table if the bytes must go too.
Receipts hold the key's SHA-256 digest, the point id, the sinks, the runs and what each
sink returned when asked for the point after the delete (nothing). Sinks are opened by the
URI the ledger recorded; their credentials come from the environment, as for drift embed.
A forget that fails or is killed part-way is safe to run again, and must be: until it
succeeds, embed, watch, repair and migrate refuse to write to those sinks (the rows may
already be gone from a sink while the ledger still holds them, and a run would embed
them again).
`,
    )
    .action(async (options) => {
      state.exitCode = await forgetCommand(options as ForgetCommandOptions, io);
    });

  const verify = new Command('verify')
    .description(
      'Hold the table, the ledger and the sink against each other and report drift: missing, orphan and stale points, points of another model, ledger rows without a point, points the ledger does not record.',
    )
    .requiredOption('--table <table>', 'the Delta table')
    .option(
      '--sink <uri>',
      'the sink to verify (default: the embedded default drift embed wrote for --table here)',
    )
    .requiredOption('--text-col <column>', 'the column whose text is embedded')
    .option('--key-col <columns>', 'the column(s) that identify a row, comma-separated', 'id')
    .option('--model <provider/model>', 'the model the sink should hold (default: its last run)')
    .option('--dimensions <n>', 'its vector size (default: its last run)', parsePositiveInteger)
    .option(
      '--chunk <spec>',
      'the sink holds chunks cut this way, e.g. markdown:512 (default: as its last run recorded)',
      parseChunkOption,
    )
    .option(
      '--version <v>',
      'compare the table as of this version (default the latest)',
      parseVersion,
    )
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--ledger <path>', ledgerHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `${examples([
        'drift verify --table ./tickets --text-col body',
        "drift verify --table ./tickets --text-col body --sink 'postgres://localhost:5432/docs?table=tickets'",
      ])}
Exit codes: 0 in step, 4 drift found (run drift repair), 1 failed, 2 usage error.
Each source is read once in bounded batches; memory is about 80 MB per million points.
`,
    )
    .action(async (options) => {
      state.exitCode = await verifyCommand(options as VerifyCommandOptions, io);
    });

  const repair = (
    addRunOptions(
      new Command('repair').description(
        'Fix what drift verify finds, through the normal engine: re-embed missing and stale rows (reusing vectors of the same text), delete orphan and other-model points, drop ledger rows without points, record points the ledger lost. Pays only for rows that need a vector.',
      ),
      'embed',
    ) as unknown as Command
  )
    .addHelpText(
      'after',
      examples([
        'drift repair --table ./tickets --text-col body --dry-run',
        "drift repair --table ./tickets --text-col body --sink 'postgres://localhost:5432/docs?table=tickets'",
      ]),
    )
    .action(async (options) => {
      state.exitCode = await repairCommand(options as RunCommandOptions, io);
    });
  return [forget, verify, repair] as Command[];
}
