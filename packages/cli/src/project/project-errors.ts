import type { core } from 'zod';
import { usageError } from '../errors/cli-error.js';
import type { FieldProblem } from './env-interpolation.js';

/** `indexes.docs.source.keyColumns` (list items as `[0]`). */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** A zod issue as a problem at a field of `data`, in words a person reads: no "Invalid input". */
export function problemOfIssue(issue: core.$ZodIssue, data: unknown): FieldProblem[] {
  const path = issue.path.filter((segment) => typeof segment !== 'symbol') as (string | number)[];
  const input = path.reduce<unknown>(
    (value, segment) => (value as Record<string | number, unknown> | undefined)?.[segment],
    data,
  );
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}"`,
      atKey: true,
    }));
  const custom = !issue.message.startsWith('Invalid input');
  if (issue.code === 'invalid_type' && input === undefined)
    return [{ path, message: `missing: expected ${article(issue.expected)}` }];
  if (issue.code === 'invalid_type' && !custom)
    return [{ path, message: `expected ${article(issue.expected)}, got ${describe(input)}` }];
  return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object' || type === 'record') return 'a mapping of keys to values';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `the text ${JSON.stringify(input)}`;
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${String(input)}`;
}

/**
 * Every problem of a project file as `drift.yaml:7: indexes.docs.source.keyColumns: …`,
 * one per line: a usage error (exit 2), raised before anything runs.
 */
export function projectFileError(
  fileLabel: string,
  problems: FieldProblem[],
  lineOf: (problem: FieldProblem) => number | undefined,
) {
  const lines = problems.map((problem) => {
    const line = lineOf(problem);
    const field = fieldPath(problem.path);
    return `${fileLabel}${line === undefined ? '' : `:${line}`}: ${field === '' ? '' : `${field}: `}${problem.message}`;
  });
  return usageError(lines.join('\n'));
}
