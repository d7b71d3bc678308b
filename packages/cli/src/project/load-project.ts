import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve as resolvePath } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { CliIo } from '../cli-io.js';
import { usageError } from '../errors/cli-error.js';
import { type FieldProblem, interpolateEnv, literalSecrets } from './env-interpolation.js';
import { loadConfigModule } from './load-config-ts.js';
import { problemOfIssue, projectFileError } from './project-errors.js';
import { type Project, projectSchema } from './project-schema.js';
import { lineOf } from './yaml-locations.js';

/** The names a project file may have, looked for in this order in the current folder. */
export const projectFileNames = [
  'drift.yaml',
  'drift.yml',
  'drift.config.ts',
  'drift.config.mts',
  'drift.config.js',
  'drift.config.mjs',
];

export interface LoadedProject {
  /** Absolute path of the file. */
  file: string;
  /** Its folder: relative paths and URIs in the file are relative to it. */
  dir: string;
  project: Project;
  /** SHA-256 of the file's bytes: a saved plan is refused when the file changed. */
  hash: string;
}

/** `--project`, else the first of `projectFileNames` in `cwd`; undefined when there is none. */
export function findProjectFile(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) {
    const file = resolvePath(cwd, explicit);
    if (!existsSync(file)) throw usageError(`${explicit}: no such project file.`);
    return file;
  }
  return projectFileNames.map((name) => resolvePath(cwd, name)).find((file) => existsSync(file));
}

/** Reads, interpolates and validates a project file; every problem is reported at once. */
export async function loadProject(
  file: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<LoadedProject> {
  const bytes = readFileSync(file);
  const label = relative(cwd, file) || basename(file);
  const problems: FieldProblem[] = [];
  let raw: unknown;
  let locate: (problem: FieldProblem) => number | undefined = () => undefined;
  if (/\.ya?ml$/.test(file)) {
    const lines = new LineCounter();
    const document = parseDocument(bytes.toString('utf8'), { lineCounter: lines });
    const syntax = document.errors[0];
    if (syntax)
      throw usageError(
        `${label}:${syntax.linePos?.[0].line ?? 1}: ${syntax.message.split('\n')[0]}`,
      );
    raw = document.toJS();
    locate = (problem) => lineOf(document, lines, problem.path, problem.atKey);
  } else {
    try {
      raw = await loadConfigModule(file);
    } catch (error) {
      throw usageError(
        `${label}: could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        error,
      );
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw usageError(`${label}: expected a mapping with "indexes:" at the top`);
  literalSecrets(raw, problems);
  const interpolated = interpolateEnv(raw, env, problems);
  const parsed = projectSchema.safeParse(interpolated);
  if (!parsed.success)
    problems.push(...parsed.error.issues.flatMap((issue) => problemOfIssue(issue, interpolated)));
  if (problems.length > 0 || !parsed.success) throw projectFileError(label, problems, locate);
  return {
    file,
    dir: dirname(file),
    project: parsed.data,
    hash: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The named indexes (all when none is named); an unknown name is a usage error. */
export function selectIndexes(loaded: LoadedProject, names: string[]): string[] {
  const all = Object.keys(loaded.project.indexes);
  for (const name of names)
    if (!all.includes(name))
      throw usageError(
        `No index "${name}" in ${basename(loaded.file)}; its indexes are: ${all.join(', ') || '(none)'}.`,
      );
  return names.length > 0 ? names : all;
}

/** The project file of this folder (or `--project`), loaded; none is a usage error that says what to do. */
export async function requireProject(io: CliIo, explicit?: string): Promise<LoadedProject> {
  const file = findProjectFile(io.cwd, explicit);
  if (!file)
    throw usageError(
      'No project file here (drift.yaml or drift.config.ts): write one with drift init --table <table>, or pass --project <file>.',
    );
  return loadProject(file, io.env, io.cwd);
}

/** How messages name the project file: relative to where drift runs. */
export function projectLabel(loaded: LoadedProject, cwd: string): string {
  return relative(cwd, loaded.file) || basename(loaded.file);
}
