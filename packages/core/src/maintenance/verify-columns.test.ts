import { describe, expect, it } from 'vitest';
import { createMemoryLedger } from '../memory/memory-ledger.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createArraySource } from '../testkit/array-source.js';
import { verify } from './verify.js';

describe('verify checks the columns as a run does', () => {
  it('refuses a missing text or key column with the engine message, before it reads', async () => {
    const source = createArraySource({
      id: 'array://docs',
      columns: ['id', 'body'],
      versions: [[{ id: 1, body: 'one' }]],
    });
    const ledger = { ...createMemoryLedger(), livePoints: async () => [] };
    const base = { source, sink: createMemorySink(), ledger, model: 'm', dimensions: 8 };
    await expect(verify({ ...base, textColumn: 'text' })).rejects.toThrow(
      'Column "text" (`textColumn`) is not in source "array://docs"; its columns are: id, body.',
    );
    await expect(verify({ ...base, textColumn: 'body', keyColumns: ['doc'] })).rejects.toThrow(
      /Key column "doc" \(`keyColumns`\)/,
    );
    expect(source.reads).toEqual([]);
  });
});
