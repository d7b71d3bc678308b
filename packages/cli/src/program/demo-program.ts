import { Command } from '@commander-js/extra-typings';
import { defaultDemoFolder, demoCommand } from '../commands/demo-command.js';
import { examples } from './command-help.js';
import type { ProgramContext } from './program-context.js';

/** `drift demo`: a small example table to try drift on. */
export function demoProgram({ io, state }: ProgramContext) {
  return new Command('demo')
    .description(
      'Write a small example Delta table (support tickets, 5 versions, Change Data Feed on) to try drift on.',
    )
    .argument('[folder]', 'where to write it (must not exist)', defaultDemoFolder)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', examples(['drift demo', 'drift demo ./my-tickets']))
    .action(async (folder, options) => {
      state.exitCode = await demoCommand(folder, options, io);
    });
}
