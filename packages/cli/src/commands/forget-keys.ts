import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { type CellValue, encodeKey } from '@drift-spark/core';
import { usageError } from '../errors/cli-error.js';

/**
 * The canonical keys a `drift forget` names, from `--key` values and the lines of
 * `--keys-from`: plain text is one key as it is; JSON is a composite key, an array of its
 * parts in --key-col order or an object by column.
 */
export function readForgetKeys(
  keys: string[] | undefined,
  keysFrom: string | undefined,
  keyColumns: string[],
  cwd: string,
): string[] {
  const found = (keys ?? []).map((key) => lineKey(key, keyColumns, `--key ${key}`));
  if (keysFrom !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolvePath(cwd, keysFrom), 'utf8');
    } catch (error) {
      throw usageError(
        `Cannot read --keys-from ${keysFrom}: ${(error as Error).message}. Pass a file with one key per line.`,
      );
    }
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      found.push(lineKey(line, keyColumns, `${keysFrom}:${index + 1}`));
    });
  }
  if (found.length === 0)
    throw usageError('Name the rows to forget: --key K (repeatable) or --keys-from FILE.');
  return found;
}

function lineKey(line: string, keyColumns: string[], where: string): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return line;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw usageError(
      `${where} is not valid JSON; write a composite key as ["a", 1] or {"col": "a"}.`,
    );
  }
  const row: Record<string, CellValue> = {};
  if (Array.isArray(value)) {
    if (value.length !== keyColumns.length)
      throw usageError(
        `${where} has ${value.length} key parts; --key-col names ${keyColumns.length} (${keyColumns.join(', ')}).`,
      );
    keyColumns.forEach((column, index) => {
      row[column] = value[index] as CellValue;
    });
  } else Object.assign(row, value as Record<string, CellValue>);
  return encodeKey(row, keyColumns);
}
