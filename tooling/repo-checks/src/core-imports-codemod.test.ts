import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from './workspace-manifests.js';

const codemod = join(repoRoot, 'scripts/codemods/core-internal-imports.mjs');
const folder = mkdtempSync(join(tmpdir(), 'drift-codemod-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function run(): string {
  return execFileSync(process.execPath, [codemod, folder], { encoding: 'utf8' });
}

it('moves names off the main entry to /internal or /testkit, and a second run changes nothing', () => {
  mkdirSync(join(folder, 'testing'));
  const app = join(folder, 'app.ts');
  const helper = join(folder, 'testing/world.ts');
  writeFileSync(
    app,
    "import { createLimiter, embed, type MigrationRecord } from '@drift-spark/core';\n" +
      "import type { Sink } from '@drift-spark/core/internal';\n",
  );
  writeFileSync(
    helper,
    "import { createMemorySink, createMemorySinkStore } from '@drift-spark/core';\n",
  );

  expect(run()).toContain('2 file(s) rewritten');
  const rewritten = readFileSync(app, 'utf8');
  expect(rewritten).toMatch(/import \{ embed \} from '@drift-spark\/core';/);
  expect(rewritten).toMatch(
    /import \{ createLimiter, type MigrationRecord \} from '@drift-spark\/core\/internal';/,
  );
  expect(rewritten).toMatch(/import type \{ Sink \} from '@drift-spark\/core';/);
  // Test code takes test doubles from the testkit.
  expect(readFileSync(helper, 'utf8')).toMatch(
    /import \{ createMemorySinkStore \} from '@drift-spark\/core\/testkit';/,
  );

  expect(run()).toContain('0 file(s) rewritten');
  expect(readFileSync(app, 'utf8')).toBe(rewritten);
}, 120_000);
