import { createHash } from 'node:crypto';
import { InvalidInputError } from '@drift-spark/core';

/** PostgreSQL truncates identifiers longer than this many bytes; we refuse them instead. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Quotes an identifier for PostgreSQL: wraps it in double quotes and doubles any double
 * quote inside, so `x; drop table y` becomes the harmless name `"x; drop table y"`.
 * Refuses names PostgreSQL would silently change (empty, NUL, longer than 63 bytes).
 */
export function quoteIdentifier(name: string): string {
  assertIdentifier(name);
  return `"${name.replace(/"/g, '""')}"`;
}

/** Throws InvalidInputError for a name PostgreSQL cannot hold as given. */
export function assertIdentifier(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidInputError(
      'A pgvector table name must be a non-empty string: pass `table` (or `?table=` in the URI).',
    );
  }
  if (name.includes('\u0000')) {
    throw new InvalidInputError(
      'A pgvector table name cannot contain a NUL character: choose another name.',
    );
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidInputError(
      `The pgvector table name "${name.slice(0, 20)}…" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be truncated: choose a shorter name.`,
    );
  }
}

/** Quotes a string literal for statements that take no parameters (COMMENT ON). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000'))
    throw new InvalidInputError('A SQL literal cannot contain a NUL character.');
  // standard_conforming_strings is on by default since PostgreSQL 9.1, and on in PGlite;
  // the E'' form makes the escaping independent of that setting.
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A short, stable, always-valid name derived from the table, for helper objects (index, staging table). */
export function derivedName(prefix: string, qualifiedTable: string): string {
  return `${prefix}_${createHash('sha256').update(qualifiedTable).digest('hex').slice(0, 16)}`;
}
