import { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../cli-io.js';
import { parseDurationMs } from '../options/parse-duration.js';

// The commands load zod, yaml and jiti: imported when one runs, not at every drift start.

const projectHelp = 'the project file (default: drift.yaml or drift.config.ts in this folder)';

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** `drift init`, `drift plan` and `drift apply`: the indexes a project file declares. */
export function projectCommands(io: CliIo, state: { exitCode: number }): Command[] {
  const init = new Command('init')
    .description(
      'Write a commented starter drift.yaml for a Delta table (key and text columns suggested from its schema).',
    )
    .option('--table <table>', 'the Delta table the first index is built from')
    .option('--spark <url>', 'read the table through Spark Connect')
    .option('--file <path>', 'where to write it', 'drift.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', examples(['drift init --table ./tickets']))
    .action(async (options) => {
      const { initCommand } = await import('../commands/init-command.js');
      state.exitCode = await initCommand(options, io);
    });
  const plan = new Command('plan')
    .description(
      'What drift apply would do to each index of the project file: new (a full embed), behind (the change feed), a migration, a rebuild; rows, tokens and cost.',
    )
    .argument('[index...]', 'only these indexes (default: all)')
    .option(
      '--out <file>',
      'also save the plan, for drift apply --plan (refused once its inputs move)',
    )
    .option('--project <file>', projectHelp)
    .option('--json', 'print the plan as one JSON object on stdout')
    .addHelpText('after', examples(['drift plan', 'drift plan docs --out plan.json']))
    .action(async (names, options) => {
      const { planCommand } = await import('../commands/plan-command.js');
      state.exitCode = await planCommand(names, options, io);
    });
  const apply = new Command('apply')
    .description(
      'Carry out the plan index by index through the same engine as drift embed/watch: progress, a summary table, the same exit codes.',
    )
    .argument('[index...]', 'only these indexes (default: all)')
    .option(
      '--plan <file>',
      'apply this saved plan (drift plan --out); refused when the file, a table or the ledger moved since',
    )
    .option(
      '--allow-migrate',
      'start a migration (drift migrate) for an index whose model or dimensions changed',
    )
    .option(
      '--follow',
      'then keep every index in step until SIGTERM/Ctrl-C: one process, one change-feed poll per table',
    )
    .option(
      '--interval <duration>',
      'with --follow: how often to look for new versions (e.g. 30s, 2m)',
      parseDurationMs,
    )
    .option(
      '--destroy',
      'drop the sinks of indexes removed from the file: their points and their ledger rows',
    )
    .option('--project <file>', projectHelp)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      examples([
        'drift apply',
        'drift apply --plan plan.json',
        'drift apply --allow-migrate',
        'drift apply --destroy',
        'drift apply --follow --interval 1m',
      ]),
    )
    .action(async (names, options) => {
      const { applyCommand } = await import('../commands/apply-command.js');
      state.exitCode = await applyCommand(names, options, io);
    });
  return [init, plan, apply] as unknown as Command[];
}
