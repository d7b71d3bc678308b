import { describe, expect, it } from 'vitest';
import { createPgvectorSinkFromUri } from './index.js';

describe('PGlite: what drift status says about search', () => {
  it('says there is no index by default, and how to get one', async () => {
    const sink = createPgvectorSinkFromUri('pglite://memory?table=t');
    expect(await sink.searchIndex?.()).toEqual({
      index: null,
      hint: expect.stringMatching(/index=hnsw/),
    });
  });

  it('names the HNSW index when the URI asks for it', async () => {
    const sink = createPgvectorSinkFromUri('pglite://memory?table=t&index=hnsw');
    expect(await sink.searchIndex?.()).toEqual({ index: 'HNSW' });
  });
});
