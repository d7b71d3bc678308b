import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectArgs } from './project-args.js';

const index = (name: string, model = 'openai/text-embedding-3-small') => `  ${name}:
    source: { table: ./${name}, textColumn: body }
    embedder: { model: ${model}, shadowMode: true, dimensions: 256 }
    sink: pglite://./.drift/${name}?table=${name}
`;

function folder(text?: string) {
  const cwd = mkdtempSync(join(tmpdir(), 'drift-args-'));
  if (text !== undefined) writeFileSync(join(cwd, 'drift.yaml'), text);
  let stderr = '';
  const io = {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: () => true },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  };
  return { io, stderr: () => stderr };
}

describe('status, search and cost read the project file', () => {
  const two = `ledger: ./.drift/ledger.db\nindexes:\n${index('docs')}${index('faq')}`;

  it('an index name stands for its sink, table, model and the ledger', async () => {
    const { io } = folder(two);
    expect(await projectArgs(['status', 'faq', '--json'], io)).toEqual([
      'status',
      '--json',
      '--sink',
      'pglite://./.drift/faq?table=faq',
      '--table',
      './faq',
      '--ledger',
      './.drift/ledger.db',
    ]);
    expect(await projectArgs(['search', 'docs', 'a refund', '--k', '3'], io)).toEqual([
      'search',
      'a refund',
      '--k',
      '3',
      '--sink',
      'pglite://./.drift/docs?table=docs',
      '--model',
      'openai/text-embedding-3-small',
      '--shadow-mode',
      '--dimensions',
      '256',
      '--ledger',
      './.drift/ledger.db',
    ]);
    expect(await projectArgs(['cost', '--by', 'sink'], io)).toEqual([
      'cost',
      '--by',
      'sink',
      '--ledger',
      './.drift/ledger.db',
    ]);
  });

  it('one index needs no name; an explicit --sink or no project file leaves the command as typed', async () => {
    const { io } = folder(`indexes:\n${index('docs')}`);
    expect(await projectArgs(['search', 'a refund'], io)).toContain(
      'pglite://./.drift/docs?table=docs',
    );
    const typed = ['status', '--sink', 'qdrant://localhost:6333/x'];
    expect(await projectArgs(typed, io)).toBe(typed);
    const none = folder();
    expect(await projectArgs(['status'], none.io)).toEqual(['status']);
  });

  it('an unknown or missing index name is a usage error (exit 2) that lists the indexes', async () => {
    const { io, stderr } = folder(two);
    expect(await projectArgs(['status', 'nope'], io)).toBe(2);
    expect(stderr()).toBe(
      'drift: No index "nope" in the project file; its indexes are: docs, faq.\n',
    );
    expect(await projectArgs(['status'], io)).toBe(2);
    expect(stderr()).toContain('Name an index of the project file (docs, faq)');
  });
});
