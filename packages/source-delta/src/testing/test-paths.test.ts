import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { fixture, fixturesRoot, repoRoot } from './fixtures.js';

const self = fileURLToPath(import.meta.url);
const skipped = new Set(['node_modules', 'dist', '.git', '.ci-cache', '.turbo', 'fixtures']);

/** Test code: test files, test helpers (testing/, testkit/), the integration tests and test servers. */
function isTestSource(file: string): boolean {
  const relative = path.relative(repoRoot, file).split(path.sep).join('/');
  if (!/\.(m|c)?(t|j)s$|\.py$|\.sh$/.test(file)) return false;
  return (
    /\.test\.|vitest[^/]*\.config\./.test(relative) ||
    /(^|\/)(testing|testkit)\//.test(relative) ||
    /^(integration-tests|tooling)\//.test(relative)
  );
}

function testSources(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...testSources(full));
    else if (isTestSource(full) && full !== self) files.push(full);
  }
  return files;
}

// Built from parts so that this file does not match itself.
const outside = [new RegExp(['\\.\\.', 'shared'].join('/')), new RegExp(`['"\`]/${'work'}/`)];

describe('tests read only what the repository holds', () => {
  test('no test source names a path beside the checkout or on this machine', () => {
    const sources = testSources(repoRoot);
    expect(sources.length).toBeGreaterThan(50);
    const offenders = sources.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => outside.some((pattern) => pattern.test(line)))
        .map(({ line, index }) => `${path.relative(repoRoot, file)}:${index + 1}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  test('fixture tables live inside the repository', () => {
    expect(path.relative(repoRoot, fixturesRoot).startsWith('..')).toBe(false);
    expect(fixture('cdf-table')).toBe(path.join(fixturesRoot, 'cdf-table'));
  });

  test('a fixture name that leaves the fixtures folder is refused', () => {
    expect(() => fixture(['..', '..', '..', 'shared', 'fixtures'].join('/'))).toThrow(
      /inside the repository/,
    );
    expect(() => fixture(path.resolve('/', 'elsewhere'))).toThrow(/outside/);
    expect(() => fixture('.')).toThrow(/outside/);
  });
});
