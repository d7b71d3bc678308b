import type { Command } from '@commander-js/extra-typings';
import pc from 'picocolors';
import type { CliIo } from '../cli-io.js';
import { colorsEnabled } from '../output/output.js';

export const ledgerHelp = 'the ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)';

/** The `Examples:` block at the end of a command's help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Commander's error, as one line: `drift: unknown command 'embedd' (Did you mean embed?)`. */
export function commanderErrorLine(text: string, io: CliIo): string {
  const line = text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  // Colour only where the user's terminal shows it (picocolors alone also colours under CI=true).
  const colors = pc.createColors(colorsEnabled(io.stderr, io.env));
  return `${colors.red('drift:')} ${line}\n`;
}

/** Commander writes through the CLI's io and throws instead of exiting, for `runCli` to map. */
export function writeThrough(command: Command, io: CliIo): Command {
  return command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => write(commanderErrorLine(text, io)),
  });
}
