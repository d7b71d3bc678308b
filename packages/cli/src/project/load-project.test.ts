import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { loadProject } from './load-project.js';

const valid = `ledger: ./.drift/ledger.db
indexes:
  docs:
    source:
      table: ./tickets
      keyColumns: [id]
      textColumn: body
    embedder:
      model: openai/text-embedding-3-small
      shadowMode: true
    sink: pglite://./.drift/docs?table=docs
`;

function project(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drift-project-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

async function failure(file: string, env: NodeJS.ProcessEnv = {}): Promise<CliError> {
  const error = await loadProject(file, env, join(file, '..')).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(ExitCode.Usage);
  return error as CliError;
}

describe('loading drift.yaml', () => {
  it('fills the defaults and hashes the file', async () => {
    const loaded = await loadProject(project('drift.yaml', valid), {}, tmpdir());
    expect(loaded.project.indexes.docs?.source.metadataColumns).toEqual([]);
    expect(loaded.project.ledger).toBe('./.drift/ledger.db');
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a wrong type names the file, the line and the field', async () => {
    const error = await failure(
      project('drift.yaml', valid.replace('keyColumns: [id]', 'keyColumns: id')),
    );
    expect(error.message).toBe(
      'drift.yaml:6: indexes.docs.source.keyColumns: expected an array of strings (column names), e.g. [id]',
    );
  });

  it('an unknown key is an error at its own line', async () => {
    const error = await failure(
      project(
        'drift.yaml',
        valid.replace(
          '      textColumn: body\n',
          '      textColumn: body\n      txtColumn: body\n',
        ),
      ),
    );
    expect(error.message).toBe(
      'drift.yaml:8: indexes.docs.source.txtColumn: unknown key "txtColumn"',
    );
  });

  it('a missing field points at its parent; every problem is listed', async () => {
    const error = await failure(
      project(
        'drift.yaml',
        valid
          .replace('      textColumn: body\n', '')
          .replace('shadowMode: true', 'shadowMode: yes please'),
      ),
    );
    expect(error.message.split('\n')).toEqual([
      'drift.yaml:4: indexes.docs.source.textColumn: missing: expected a string',
      'drift.yaml:9: indexes.docs.embedder.shadowMode: expected a boolean, got the text "yes please"',
    ]);
  });

  it(`\${env:NAME} is replaced; a missing variable is an error, never an empty value`, async () => {
    const text = valid.replace(
      'pglite://./.drift/docs?table=docs',
      `postgres://me:\${env:PGPASS}@db/app?table=docs`,
    );
    const loaded = await loadProject(project('drift.yaml', text), { PGPASS: 's3cret' }, tmpdir());
    expect(loaded.project.indexes.docs?.sink).toBe('postgres://me:s3cret@db/app?table=docs');
    const error = await failure(project('drift.yaml', text));
    expect(error.message).toBe(
      'drift.yaml:11: indexes.docs.sink: environment variable PGPASS is not set',
    );
  });

  it('a password written in the file is refused: secrets come from the environment', async () => {
    const text = valid.replace(
      'pglite://./.drift/docs?table=docs',
      'postgres://me:hunter2@db/app?table=docs',
    );
    const error = await failure(project('drift.yaml', text));
    expect(error.message).toContain(
      'drift.yaml:11: indexes.docs.sink: the URI has a password written in the file',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('a YAML syntax error names its line', async () => {
    const error = await failure(project('drift.yaml', valid.replace('    sink:', '   sink: [')));
    expect(error.message).toMatch(/^drift\.yaml:\d+: /);
  });
});

describe('loading drift.config.ts', () => {
  it('loads a typed config with defineConfig from @drift-spark/cli', async () => {
    const file = project(
      'drift.config.ts',
      `import { defineConfig } from '@drift-spark/cli';
const model: string = 'openai/text-embedding-3-small';
export default defineConfig({
  indexes: {
    docs: {
      source: { table: './tickets', textColumn: 'body' },
      embedder: { model, dimensions: 512 },
      sink: 'qdrant://localhost:6333/\${env:COLLECTION}',
      budget: { maxCostPerRun: 5 },
    },
  },
});
`,
    );
    const loaded = await loadProject(file, { COLLECTION: 'docs' }, tmpdir());
    expect(loaded.project.indexes.docs?.embedder.dimensions).toBe(512);
    expect(loaded.project.indexes.docs?.sink).toBe('qdrant://localhost:6333/docs');
  });

  it('validates it with the same schema (no line numbers in TypeScript)', async () => {
    const file = project(
      'drift.config.ts',
      `export default { indexes: { docs: { source: { table: 't', textColumn: 'b' }, embedder: { model: 'openai/x', dimensions: -1 }, sink: 's' } } };\n`,
    );
    const error = await failure(file);
    expect(error.message).toBe(
      'drift.config.ts: indexes.docs.embedder.dimensions: expected a whole number above 0',
    );
  });
});
