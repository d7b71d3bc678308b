import { createShadowEmbedder } from '@drift-spark/core';
import { type MigrationRecord, parseChunkSpec } from '@drift-spark/core/internal';
import { describe, expect, it } from 'vitest';
import { checkWatchChunking, sampledChunks } from './migrate-chunking.js';
import type { MigrationSettings } from './migrate-context.js';

const settings = (chunking?: string) =>
  ({
    textColumn: 'body',
    keyColumns: ['id'],
    ...(chunking ? { chunking } : {}),
  }) as MigrationSettings;
const migration = (chunking?: string) =>
  ({ id: 'm1', options: settings(chunking) }) as unknown as MigrationRecord;

describe('a chunked migration', () => {
  it('a dual-write watch must cut rows as the migration does', () => {
    expect(() =>
      checkWatchChunking(migration('sentences:1'), parseChunkSpec('sentences:1')),
    ).not.toThrow();
    expect(() => checkWatchChunking(migration(), undefined)).not.toThrow();
    expect(() => checkWatchChunking(migration('sentences:1'), undefined)).toThrow(
      /run drift watch with --chunk sentences:1/,
    );
    expect(() =>
      checkWatchChunking(migration('sentences:1'), parseChunkSpec('sentences:2')),
    ).toThrow(/--chunk sentences:1/);
    expect(() => checkWatchChunking(migration(), parseChunkSpec('sentences:2'))).toThrow(
      /without --chunk/,
    );
  });

  it('samples one chunk of each sampled row, and whole rows when the sinks hold rows', () => {
    const embedder = createShadowEmbedder({ model: 'openai/text-embedding-3-small' });
    const samples = [
      { key: '1', text: 'One. Two. Three.' },
      { key: '2', text: 'Four. Five.' },
    ];
    expect(sampledChunks(samples, settings(), embedder)).toEqual(samples);
    expect(sampledChunks(samples, settings('sentences:1'), embedder)).toEqual([
      { key: '1', text: 'One.' },
      { key: '2', text: 'Five.' },
    ]);
  });
});
