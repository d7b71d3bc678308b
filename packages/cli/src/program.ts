import { Command, CommanderError } from '@commander-js/extra-typings';
import type { CliIo } from './cli-io.js';
import { migrateProgram } from './commands/migrate/migrate-program.js';
import { ExitCode } from './errors/cli-error.js';
import { examples, writeThrough } from './program/command-help.js';
import { demoProgram } from './program/demo-program.js';
import { lookupCommands } from './program/lookup-commands.js';
import { maintenanceCommands } from './program/maintenance-commands.js';
import { reportCommands } from './program/report-commands.js';
import { runCommands } from './program/run-commands.js';
import { projectArgs } from './project/project-args.js';
import { projectCommands } from './project/project-commands.js';

export const cliVersion = '0.1.0';

/** The `drift` program. Actions store their exit code in `state.exitCode`. */
export function createProgram(io: CliIo, state: { exitCode: number }) {
  const program = new Command('drift')
    .description(
      'Keep a vector index in step with a Delta table: embed it, follow its change feed, and know what every vector cost.',
    )
    .version(cliVersion, '-V, --version', 'print the version of drift')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      examples([
        'drift demo                 # writes a small example Delta table to ./tickets',
        'drift embed --table ./tickets --text-col body --shadow-mode',
        'drift watch --table ./tickets --text-col body --shadow-mode',
        'drift search --sink \'lancedb://./.drift/lancedb?table=tickets\' --shadow-mode "refund for a double charge"',
        "drift status --sink 'lancedb://./.drift/lancedb?table=tickets'",
      ]),
    );

  const configure = (command: Command) => writeThrough(command, io);
  configure(program as unknown as Command);
  const context = { io, state };
  // The commands, in the order `drift --help` lists them.
  const commands = [
    demoProgram(context),
    ...runCommands(context),
    ...reportCommands(context),
    ...lookupCommands(context),
    ...maintenanceCommands(context),
    migrateProgram(io, state, configure),
    ...projectCommands(io, state),
  ];
  for (const command of commands) {
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
