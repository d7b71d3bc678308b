import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedDatabaseLabel } from './embedded-database-stage.js';

const cwd = mkdtempSync(join(tmpdir(), 'drift-stage-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('what the CLI says while an embedded sink starts', () => {
  it('names the LanceDB folder, and says when a first start creates it', () => {
    expect(embeddedDatabaseLabel(`lancedb://${cwd}/.drift/lance?table=t`, cwd)).toBe(
      'opening the embedded database (LanceDB) at ./.drift/lance (a first start creates it)',
    );
    expect(embeddedDatabaseLabel(`lancedb://${cwd}?table=t`, '/elsewhere')).toBe(
      `opening the embedded database (LanceDB) at ${cwd}`,
    );
    expect(embeddedDatabaseLabel('lancedb://s3://bucket/x?table=t', cwd)).toBe(
      'opening the LanceDB table at s3://bucket/x',
    );
  });

  it('keeps the PGlite label and says nothing for a server', () => {
    expect(embeddedDatabaseLabel(`pglite://${cwd}/db?table=t`, cwd)).toBe(
      'starting the embedded database (PGlite) at ./db (a first start creates it)',
    );
    expect(embeddedDatabaseLabel('qdrant://localhost:6333/docs', cwd)).toBeUndefined();
  });
});
