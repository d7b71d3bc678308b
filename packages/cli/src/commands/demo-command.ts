import { cpSync, existsSync } from 'node:fs';
import { basename, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../cli-io.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { defaultSinkUri } from '../resolve/resolve-sink.js';
import { withCommand } from './command-context.js';

export interface DemoOptions {
  json?: boolean;
}

export const defaultDemoFolder = './tickets';

/**
 * The example table: shipped in the package beside the bundle (dist/demo/tickets, copied
 * there by the build), or, when running from the sources of a clone, examples/tickets.
 */
export function demoTableLocation(): string {
  const candidates = [
    new URL('./demo/tickets', import.meta.url),
    new URL('../../../../examples/tickets', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((folder) => existsSync(`${folder}/_delta_log`));
  if (!found)
    throw new Error(
      `The example table is missing from this install of @drift-spark/cli (looked in ${candidates[0]}): reinstall @drift-spark/cli.`,
    );
  return found;
}

/** Writes the small example Delta table (support tickets, 5 versions, Change Data Feed on) to a folder. */
export function demoCommand(
  folder: string | undefined,
  options: DemoOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output) => {
    const input = folder ?? defaultDemoFolder;
    const target = resolvePath(io.cwd, input);
    if (existsSync(target))
      throw usageError(
        `${input} already exists: pass a new folder for the example table, e.g. drift demo ./tickets-demo.`,
      );
    cpSync(demoTableLocation(), target, { recursive: true });
    if (output.json) {
      output.result({ table: target, textColumn: 'body', keyColumn: 'id', latestVersion: 4 });
      return ExitCode.Done;
    }
    const fromCwd = relative(io.cwd, target);
    const shown = fromCwd.startsWith('..') ? target : `./${fromCwd}`;
    output.line(
      [
        `Wrote the example Delta table to ${shown}: support tickets, versions 0 to 4, Change Data Feed on, the text in "body".`,
        'Try it (shadow mode: no API key, $0):',
        `  drift embed --table ${shown} --text-col body --shadow-mode --version 1`,
        `  drift watch --table ${shown} --text-col body --shadow-mode`,
        `  drift search --sink '${defaultSinkUri(basename(target), io.cwd)}' --shadow-mode "refund for a double charge"`,
      ].join('\n'),
    );
    return ExitCode.Done;
  });
}
