/**
 * Core's errors name the library's options in backticks (`textColumn`); the CLI's user
 * typed flags. The flag (or command) each option is set with on the command line.
 */
const flagsByOption: Record<string, string> = {
  textColumn: '--text-col',
  keyColumns: '--key-col',
  metadataColumns: '--metadata-col',
  maxCostUsd: '--max-cost',
  fromVersion: '--since-version',
  toVersion: '--to-version',
  includeForgotten: '--include-forgotten',
  chunking: '--chunk',
  embed: 'drift embed',
  sync: 'drift watch',
};

/** The message with each backticked library option replaced by its CLI flag; others kept. */
export function inCliTerms(message: string): string {
  return message.replace(/`([A-Za-z]+)`/g, (quoted, name: string) => flagsByOption[name] ?? quoted);
}
