import { InvalidInputError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type { SourceDescription } from '../spec/source-v1.js';
import type { RunOptions } from './engine-types.js';

/** Refuses plugins of an unknown specification version. */
export function assertPlugins(
  options: Pick<RunOptions, 'source' | 'sink' | 'embedder' | 'ledger'>,
): void {
  assertSpecificationVersion(options.source, 'source');
  assertSpecificationVersion(options.sink, 'sink');
  assertSpecificationVersion(options.embedder, 'embedder');
  assertSpecificationVersion(options.ledger, 'ledger');
}

/** The text, key and metadata columns must exist; the message lists the ones there are. */
export function assertColumns(
  description: SourceDescription,
  options: Pick<RunOptions, 'textColumn' | 'keyColumns' | 'metadataColumns'>,
): void {
  if (typeof options.textColumn !== 'string' || options.textColumn.length === 0) {
    throw new InvalidInputError(
      'No text column given: say which column holds the text to embed (--text-col).',
    );
  }
  const names = new Set(description.columns.map((column) => column.name));
  const there = description.columns.map((column) => column.name).join(', ') || '(none)';
  const check = (column: string, what: string, flag: string) => {
    if (!names.has(column)) {
      throw new InvalidInputError(
        `The ${what} column "${column}" is not in source "${description.id}". Its columns are: ${there}. Choose one of them with ${flag}.`,
      );
    }
  };
  check(options.textColumn, 'text', '--text-col');
  for (const column of options.keyColumns && options.keyColumns.length > 0
    ? options.keyColumns
    : ['id'])
    check(column, 'key', '--key-col');
  for (const column of options.metadataColumns ?? []) check(column, 'metadata', '--metadata-col');
}

/** Columns a run reads: keys, text, metadata, each once. */
export function projectedColumns(
  options: Pick<RunOptions, 'textColumn' | 'keyColumns' | 'metadataColumns'>,
): string[] {
  const keys = options.keyColumns && options.keyColumns.length > 0 ? options.keyColumns : ['id'];
  return [...new Set([...keys, options.textColumn, ...(options.metadataColumns ?? [])])];
}
