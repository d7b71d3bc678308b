import { InvalidInputError } from '@drift-spark/core';

/** How the Spark engine names a table: a catalog identifier or a path read through Spark. */
export type SparkTableReference =
  | { kind: 'name'; parts: string[]; sql: string; display: string }
  | { kind: 'path'; path: string; sql: string; display: string };

/** `` `a``b` `` — a Spark SQL identifier in backticks. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `'…'` — a Spark SQL string literal (backslash escapes are on by default). */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const pathPattern = /^(\/|[a-zA-Z][a-zA-Z0-9+.-]*:\/)/;

/**
 * Parses `catalog.schema.table` (parts may be backticked: ``main.`my.schema`.t``) or a
 * path (`/data/t`, `s3://bucket/t`, `file:/…`) read as ``delta.`path` ``.
 */
export function parseTableReference(table: string): SparkTableReference {
  const text = table.trim();
  if (text === '')
    throw new InvalidInputError(
      'The Spark table is empty: pass catalog.schema.table or a table path.',
    );
  if (pathPattern.test(text)) {
    return { kind: 'path', path: text, sql: `delta.${quoteIdentifier(text)}`, display: text };
  }
  const parts: string[] = [];
  let index = 0;
  while (index < text.length) {
    if (text[index] === '`') {
      let part = '';
      index++;
      for (;;) {
        if (index >= text.length)
          throw new InvalidInputError(`The table name "${text}" has an unclosed backtick.`);
        if (text[index] === '`') {
          if (text[index + 1] === '`') {
            part += '`';
            index += 2;
            continue;
          }
          index++;
          break;
        }
        part += text[index];
        index++;
      }
      parts.push(part);
    } else {
      const match = /^[A-Za-z0-9_]+/.exec(text.slice(index));
      if (!match)
        throw new InvalidInputError(
          `The table name "${text}" is not catalog.schema.table: quote unusual names in backticks, or pass an absolute path.`,
        );
      parts.push(match[0]);
      index += match[0].length;
    }
    if (index < text.length) {
      if (text[index] !== '.')
        throw new InvalidInputError(
          `The table name "${text}" is not catalog.schema.table: parts are separated by dots.`,
        );
      index++;
      if (index === text.length)
        throw new InvalidInputError(`The table name "${text}" ends with a dot.`);
    }
  }
  if (parts.length > 3)
    throw new InvalidInputError(
      `The table name "${text}" has more than three parts; use catalog.schema.table.`,
    );
  return { kind: 'name', parts, sql: parts.map(quoteIdentifier).join('.'), display: text };
}

/** `table_changes(...)` for a name, `table_changes_by_path(...)` for a path; both ends inclusive. */
export function tableChangesCall(
  table: SparkTableReference,
  fromVersion: number,
  toVersion: number,
): string {
  return table.kind === 'path'
    ? `table_changes_by_path(${quoteString(table.path)}, ${fromVersion}, ${toVersion})`
    : `table_changes(${quoteString(table.sql)}, ${fromVersion}, ${toVersion})`;
}

/**
 * The value that brings one column over in the form the native reader uses: timestamps as
 * exact microseconds, TIMESTAMP_NTZ as wall-clock text, decimals as doubles.
 */
export function columnValue(name: string, sparkType: string): string {
  const column = quoteIdentifier(name);
  if (sparkType === 'timestamp') return `unix_micros(${column})`;
  if (sparkType === 'timestamp_ntz')
    return `date_format(${column}, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")`;
  if (sparkType.startsWith('decimal')) return `CAST(${column} AS DOUBLE)`;
  return column;
}

/** The select expression of one column: its `columnValue` under its own name. */
export function columnExpression(name: string, sparkType: string): string {
  const column = quoteIdentifier(name);
  const value = columnValue(name, sparkType);
  return value === column ? column : `${value} AS ${column}`;
}

/** `sha2(col, 256)`: the hex SHA-256 of the UTF-8 text, as core's contentHash computes it. */
export function hashValue(name: string): string {
  return `sha2(CAST(${quoteIdentifier(name)} AS STRING), 256)`;
}

export function hashExpression(name: string, alias: string): string {
  return `${hashValue(name)} AS ${quoteIdentifier(alias)}`;
}

/** Spark's simple type names, spelled as Delta's schema (and the native reader) spells them. */
export function deltaTypeName(sparkType: string): string {
  return sparkType.replace(
    /\b(bigint|int|smallint|tinyint)\b/g,
    (name) =>
      ({ bigint: 'long', int: 'integer', smallint: 'short', tinyint: 'byte' })[name] ?? name,
  );
}

export function checkVersion(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(
      `The ${what} ${value} is not valid: versions are whole numbers from 0.`,
    );
  }
}
