import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';

/** The Python of the shared venv (pyarrow, deltalake), installed on first use by scripts/python-env.sh. */
export function venvPython(): string {
  return execFileSync('bash', [path.join(repoRoot, 'scripts/python-env.sh')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
}

/**
 * Appended to every script: once it has run to the end, the process exits without Python's
 * teardown (scripts/fixtures/process_exit.py), which delta-rs's runtime threads sometimes
 * abort after the table is written: a failed test with nothing wrong.
 */
const exitWithoutTeardown = `
import sys as _sys
_sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'scripts/fixtures'))})
from process_exit import exit_without_teardown as _exit_without_teardown
_exit_without_teardown()
`;

/** Writes `script` into `directory` and runs it with the venv's Python; gives its stdout. */
export function runPythonScript(directory: string, script: string, args: string[]): string {
  const file = path.join(directory, 'write.py');
  writeFileSync(file, `${script}\n${exitWithoutTeardown}`);
  return execFileSync(venvPython(), [file, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}
