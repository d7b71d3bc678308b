/** The model and vector size of the CLI tests' shadow-mode runs (drift's default model). */
export const model = 'openai/text-embedding-3-small';
export const dimensions = 1536;

/** `drift <command>` of a table's `body` column in shadow mode (no key, no provider), then `flags`. */
export function shadowArgs(command: string, table: string, ...flags: string[]): string[] {
  return [command, '--table', table, '--text-col', 'body', '--shadow-mode', ...flags];
}

/** The same into `sink`, with `ledger` when given, printing --json. */
export function shadowRunArgs(
  command: string,
  target: { table: string; sink: string; ledger?: string },
  ...flags: string[]
): string[] {
  const ledger = target.ledger === undefined ? [] : ['--ledger', target.ledger];
  return shadowArgs(command, target.table, '--sink', target.sink, ...ledger, ...flags, '--json');
}
