import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSink } from '@drift-spark/core/testkit';
import { afterAll } from 'vitest';
import { createLancedbSink } from './index.js';

const folder = mkdtempSync(join(tmpdir(), 'drift-lancedb-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

testSink({
  title: 'LanceDB sink: conformance',
  create: ({ name }) => createLancedbSink({ path: folder, table: name }),
  destroy: ({ name }) => rmSync(join(folder, `${name}.lance`), { recursive: true, force: true }),
  timeoutMs: 60_000,
});
