import type { CliIo } from '../cli-io.js';
import { usageError } from '../errors/cli-error.js';
import { describeError } from '../errors/describe-error.js';
import { Output } from '../output/output.js';
import type { LoadedProject } from './load-project.js';

/** Flags of `status` and `search` that take a value (the word after them is no positional). */
const valueFlags = new Set([
  '--sink',
  '--model',
  '--k',
  '--ledger',
  '--dimensions',
  '--limit',
  '--table',
  '--spark',
]);

/**
 * With a project file in the folder, `drift status [index]`, `drift search [index] "…"` and
 * `drift cost` need no URIs: the index's sink, table, model and the project's ledger become
 * the flags the commands already take. An explicit `--sink` (or `--ledger` for cost) wins.
 * Returns the arguments to run, or an exit code after printing why the file is unusable.
 */
export async function projectArgs(args: string[], io: CliIo): Promise<string[] | number> {
  const [command, ...rest] = args;
  if (command !== 'status' && command !== 'search' && command !== 'cost') return args;
  if (rest.some((arg) => arg === '--help' || arg === '-h' || arg === '--sink')) return args;
  try {
    // Loaded only here: the project loader brings zod and yaml, which other commands never need.
    const { findProjectFile, loadProject } = await import('./load-project.js');
    const file = findProjectFile(io.cwd);
    if (!file) return args;
    const loaded = await loadProject(file, io.env, io.cwd);
    const ledger =
      loaded.project.ledger && !rest.includes('--ledger')
        ? ['--ledger', loaded.project.ledger]
        : [];
    if (command === 'cost') return [command, ...rest, ...ledger];
    const positions = positionals(rest);
    const named = positions.length > (command === 'search' ? 1 : 0) ? positions[0] : undefined;
    const name = pickIndex(loaded, named === undefined ? undefined : rest[named]!);
    const index = loaded.project.indexes[name]!;
    const others = rest.filter((_, position) => position !== named);
    const extra =
      command === 'status'
        ? [
            '--table',
            index.source.table,
            ...(index.source.spark ? ['--spark', index.source.spark] : []),
          ]
        : [
            ...(others.includes('--model') ? [] : ['--model', index.embedder.model]),
            ...(index.embedder.shadowMode ? ['--shadow-mode'] : []),
            ...(index.embedder.dimensions
              ? ['--dimensions', String(index.embedder.dimensions)]
              : []),
          ];
    return [command, ...others, '--sink', index.sink, ...extra, ...ledger];
  } catch (error) {
    const described = describeError(error, { env: io.env });
    new Output(io, { json: rest.includes('--json') }).error(described.message, described.code);
    return described.exitCode;
  }
}

/** Where the positional words of a command line are. */
function positionals(args: string[]): number[] {
  const found: number[] = [];
  for (let position = 0; position < args.length; position++) {
    const arg = args[position]!;
    if (valueFlags.has(arg)) position++;
    else if (!arg.startsWith('-')) found.push(position);
  }
  return found;
}

function pickIndex(loaded: LoadedProject, named: string | undefined): string {
  const names = Object.keys(loaded.project.indexes);
  if (named !== undefined) {
    if (names.includes(named)) return named;
    throw usageError(
      `No index "${named}" in the project file; its indexes are: ${names.join(', ')}.`,
    );
  }
  if (names.length === 1) return names[0]!;
  throw usageError(
    `Name an index of the project file (${names.join(', ')}), e.g. drift status ${names[0]}.`,
  );
}
