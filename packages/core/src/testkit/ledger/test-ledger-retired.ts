import { expect } from 'vitest';
import {
  hasRetiredVectors,
  type RetiringLedger,
} from '../../ledger-support/ledger-capabilities.js';
import type { Ledger, RetiredVector } from '../../spec/ledger-v1.js';
import type { LedgerCase } from './test-ledger-kit.js';

function retiring(ledger: Ledger): RetiringLedger {
  if (hasRetiredVectors(ledger)) return ledger;
  throw new Error(
    'The ledger has no keepRetiredVectors() and findRetiredVectors(): implement both, or declare skip.retiredVectors.',
  );
}

const vector = (key: string, values: number[], overrides: Partial<RetiredVector> = {}) => ({
  sourceId: 'source-a',
  key,
  contentHash: `hash-${key}`,
  fingerprint: 'model/one@8',
  vector: Float32Array.from(values),
  ...overrides,
});

const plain = (found: Map<string, Float32Array>) =>
  Object.fromEntries([...found].map(([hash, values]) => [hash, [...values]]));

/** Vectors of edited chunks: kept, found by content hash and fingerprint, gone with an erasure. */
export const retiredCases: LedgerCase[] = [
  {
    name: 'keeps vectors of edited chunks and finds them by sink, fingerprint and content hash',
    async run(kit) {
      const ledger = retiring(await kit.fresh());
      await ledger.keepRetiredVectors('sink-a', [
        vector('1', [0.5, -1.25, 3]),
        vector('2', [1, 2, 3], { fingerprint: 'model/two@8' }),
      ]);
      await ledger.keepRetiredVectors('sink-b', [vector('3', [7, 8, 9])]);
      const found = await ledger.findRetiredVectors('sink-a', 'model/one@8', [
        'hash-1',
        'hash-2',
        'hash-3',
        'hash-none',
      ]);
      expect(plain(found)).toEqual({ 'hash-1': [0.5, -1.25, 3] });
      expect(found.get('hash-1')).toBeInstanceOf(Float32Array);
      expect(plain(await ledger.findRetiredVectors('sink-a', 'model/two@8', ['hash-2']))).toEqual({
        'hash-2': [1, 2, 3],
      });
      expect((await ledger.findRetiredVectors('sink-z', 'model/one@8', ['hash-1'])).size).toBe(0);
      expect((await ledger.findRetiredVectors('sink-a', 'model/one@8', [])).size).toBe(0);
      // Kept again (the same text retired twice): the newer vector, once.
      await ledger.keepRetiredVectors('sink-a', [vector('1', [4, 5, 6])]);
      expect(plain(await ledger.findRetiredVectors('sink-a', 'model/one@8', ['hash-1']))).toEqual({
        'hash-1': [4, 5, 6],
      });
    },
  },
];

/** With the erasure group too: `recordErasure` drops what was kept of the erased keys. */
export const retiredErasureCases: LedgerCase[] = [
  {
    name: 'an erasure of a key drops the vectors kept of its edited chunks',
    async run(kit) {
      const { ledger: started, run } = await kit.started();
      const ledger = retiring(started);
      if (typeof ledger.recordErasure !== 'function')
        throw new Error('The ledger has no recordErasure(): implement it or declare skip.erasure.');
      await ledger.keepRetiredVectors('sink-a', [
        vector('1', [1, 1]),
        vector('2', [2, 2]),
        vector('1', [3, 3], { contentHash: 'hash-1b', sourceId: 'source-b' }),
      ]);
      await ledger.recordErasure([
        { sinkId: 'sink-a', pointId: 'point-1', sourceId: 'source-a', key: '1', runId: run.runId },
      ]);
      const found = await ledger.findRetiredVectors('sink-a', 'model/one@8', [
        'hash-1',
        'hash-2',
        'hash-1b',
      ]);
      expect([...found.keys()].sort()).toEqual(['hash-1b', 'hash-2']);
    },
  },
];
