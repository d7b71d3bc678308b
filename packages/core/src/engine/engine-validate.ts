import { InvalidInputError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type { SourceDescription } from '../spec/source-v1.js';
import type { RunSettings } from './engine-settings.js';
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

/**
 * The text, key and metadata columns must exist, and the text column hold text. The
 * message names the option (`textColumn`, `keyColumns`, `metadataColumns`) and lists
 * the columns there are; the CLI says its flags instead.
 */
export function assertColumns(
  description: SourceDescription,
  settings: Pick<RunSettings, 'textColumn' | 'keyColumns' | 'metadataColumns'>,
): void {
  const { textColumn } = settings;
  if (typeof textColumn !== 'string' || textColumn.length === 0) {
    throw new InvalidInputError(
      'No text column given: say which column holds the text to embed (`textColumn`).',
    );
  }
  const names = new Set(description.columns.map((column) => column.name));
  const there = description.columns.map((column) => column.name).join(', ') || '(none)';
  const check = (column: string, what: string, option: string, hint = '') => {
    if (!names.has(column)) {
      throw new InvalidInputError(
        `${what} "${column}" (\`${option}\`) is not in source "${description.id}"${hint}; its columns are: ${there}.`,
      );
    }
  };
  check(textColumn, 'Column', 'textColumn');
  const textType = description.columns.find((column) => column.name === textColumn)!.type;
  if (!isTextType(textType)) {
    throw new InvalidInputError(
      `The text column "${textColumn}" of source "${description.id}" is of type ${textType}, not a string: Drift embeds text. Choose a string column as \`textColumn\`, or add one to the table that holds the text (e.g. to_json(${textColumn}) for a struct).`,
    );
  }
  const defaultKey = settings.keyColumns.length === 1 && settings.keyColumns[0] === 'id';
  for (const column of settings.keyColumns)
    check(
      column,
      'Key column',
      'keyColumns',
      defaultKey ? ' (`keyColumns` defaults to id: name the column that identifies a row)' : '',
    );
  for (const column of settings.metadataColumns ?? []) check(column, 'Column', 'metadataColumns');
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
