/** A value the project file could not take as written, at a path of the file's tree. */
export interface FieldProblem {
  path: (string | number)[];
  message: string;
  /** Point at the key rather than its value (an unknown key). */
  atKey?: boolean;
}

const reference = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const malformed = /\$\{(?!env:[A-Za-z_][A-Za-z0-9_]*\})[^}]*\}?/;

/**
 * Replaces every `${env:NAME}` in the strings of a parsed project file by the variable's
 * value. A variable that is not set (or empty) is a problem, never an empty string: a
 * missing secret must stop the plan before anything runs.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: FieldProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    if (malformed.test(value.replace(reference, ''))) {
      problems.push({
        path,
        message: `a \${…} reference must read \${env:NAME} (NAME: letters, digits and _)`,
      });
      return value;
    }
    return value.replace(reference, (_, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        problems.push({ path, message: `environment variable ${name} is not set` });
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, problems, [...path, index]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolateEnv(item, env, problems, [...path, key]),
      ]),
    );
  return value;
}

/**
 * Secrets come only from the environment: a URI with a password written in the file
 * itself (`postgres://me:hunter2@…`) is refused, with where to put it instead.
 */
export function literalSecrets(raw: unknown, problems: FieldProblem[]): void {
  const indexes = (raw as { indexes?: unknown } | undefined)?.indexes;
  if (indexes === null || typeof indexes !== 'object') return;
  for (const [name, index] of Object.entries(indexes)) {
    const sink = (index as { sink?: unknown } | null)?.sink;
    if (typeof sink !== 'string') continue;
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:([^/@]*)@/i.exec(sink)?.[1];
    if (password && !/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(password))
      problems.push({
        path: ['indexes', name, 'sink'],
        message: `the URI has a password written in the file: write \${env:NAME} in its place and set NAME in the environment`,
      });
  }
}
