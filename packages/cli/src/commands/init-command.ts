import { existsSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { CliIo } from '../cli-io.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { starterFile } from '../project/starter-file.js';
import { suggestColumns } from '../project/suggest-columns.js';
import { sanitizeName } from '../resolve/resolve-sink.js';
import { parseTable } from '../resolve/resolve-table.js';
import { withCommand } from './command-context.js';
import { openTable } from './maintenance-source.js';

export interface InitCommandOptions {
  table?: string;
  spark?: string;
  file: string;
  force?: boolean;
}

/** `drift init --table t`: a commented starter drift.yaml, its columns suggested from the table. */
export function initCommand(options: InitCommandOptions, io: CliIo): Promise<number> {
  return withCommand(io, {}, async (output, track) => {
    const file = resolvePath(io.cwd, options.file);
    if (existsSync(file) && !options.force)
      throw usageError(`${options.file} exists: edit it, or pass --force to write a new one.`);
    if (!options.table)
      throw usageError('drift init needs --table <table>: the Delta table of the first index.');
    const target = parseTable(options.table, io.cwd);
    const { source } = await openTable(options.table, options.spark, io, track.close);
    const description = await source.describe({ signal: io.signal });
    const columns = await suggestColumns(source, description.columns, io.signal);
    writeFileSync(
      file,
      starterFile({
        name: sanitizeName(target.shortName),
        table: options.table,
        ...(options.spark ? { spark: options.spark } : {}),
        columns,
        columnNames: description.columns.map((column) => column.name),
      }),
    );
    output.line(
      `wrote ${options.file}: index ${sanitizeName(target.shortName)} on ${options.table} (key ${columns.keyColumns.join(', ')}, text ${columns.textColumn ?? '?'}); review it, then drift plan`,
    );
    return ExitCode.Done;
  });
}
