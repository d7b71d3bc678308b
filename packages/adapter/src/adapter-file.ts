import { hash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { InvalidInputError } from '@drift-spark/core';
import type { Adapter } from './adapter-types.js';
import { validateAdapter } from './adapter-validate.js';

/** JSON with keys sorted at every level, so equal adapters give equal bytes. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const fields = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(fields)
      .filter((name) => fields[name] !== undefined)
      .sort()
      .map((name) => [name, canonical(fields[name])]),
  );
}

/** The adapter file: canonical JSON (sorted keys, two-space indent, final newline). */
export function serializeAdapter(adapter: Adapter): string {
  return `${JSON.stringify(canonical(validateAdapter(adapter)), null, 2)}\n`;
}

/** Reads an adapter file's text; throws `InvalidInputError` saying what is wrong. */
export function parseAdapter(text: string): Adapter {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      `Not a valid Drift adapter: the file is not JSON (${(error as Error).message}). Fit the adapter again.`,
      { cause: error },
    );
  }
  return validateAdapter(value);
}

/** Hex SHA-256 of the canonical file: the adapter's identity in the ledger. */
export function adapterHash(adapter: Adapter): string {
  return hash('sha256', serializeAdapter(adapter), 'hex');
}

/** Writes the canonical file (through a temporary file, so a reader never sees half of it). */
export async function saveAdapter(path: string, adapter: Adapter): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, serializeAdapter(adapter), 'utf8');
  await rename(temporary, path);
}

export async function loadAdapter(path: string): Promise<Adapter> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read the adapter file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Check the path.`,
      { cause: error },
    );
  }
  return parseAdapter(text);
}
