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
  const textType = description.columns.find((column) => column.name === options.textColumn)!.type;
  if (!isTextType(textType)) {
    throw new InvalidInputError(
      `The text column "${options.textColumn}" of source "${description.id}" is of type ${textType}, not a string: Drift embeds text. Choose a string column with --text-col, or add one to the table that holds the text (e.g. to_json(${options.textColumn}) for a struct).`,
    );
  }
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

/** Type names (Delta's, Spark's, SQL's) of values that have no text of their own. */
const nonTextType =
  /^\s*(?:(?:struct|array|map)\s*<|(?:binary|varbinary|bytea|boolean|bool|byte|tinyint|short|smallint|integer|int|long|bigint|float|real|double|decimal|numeric|date|timestamp|timestamp_ntz|timestamp_ltz|interval|variant|void)\b)/i;

/**
 * Whether a column of this type holds text. Delta's types are a closed set and only
 * `string` is text; a custom source's own type names (`text`, `varchar(20)`, …) are trusted.
 */
export function isTextType(type: string): boolean {
  return !nonTextType.test(type);
}
