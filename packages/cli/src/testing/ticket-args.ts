import { expect } from 'vitest';
import { ticketsTable } from './in-process.js';

/** The in-memory sink the in-process world keeps between commands. */
export const memorySink = 'pglite://memory?table=tickets';

/** `drift <command>` on the example tickets table's body column, then `flags`. */
export function onTickets(command: 'embed' | 'watch', ...flags: string[]): string[] {
  return [command, '--table', ticketsTable, '--text-col', 'body', ...flags];
}

/** The one JSON object a `--json` command printed. */
export function onlyJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** `drift search` of a shadow-mode sink for `query`, with `flags`. */
export function shadowSearch(sink: string, query: string, ...flags: string[]): string[] {
  return ['search', '--sink', sink, '--shadow-mode', ...flags, query];
}
