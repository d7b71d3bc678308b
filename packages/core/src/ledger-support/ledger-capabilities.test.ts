import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { guardLedger } from '../guards/guard-ledger.js';
import { forget } from '../maintenance/forget.js';
import { createMemoryLedger } from '../memory/memory-ledger.js';
import type { Ledger } from '../spec/ledger-v1.js';
import { hasErasure, hasLedgerReports } from './ledger-capabilities.js';

/** The memory ledger without some members: a custom ledger that offers less. */
function without(...names: string[]): Ledger {
  const ledger: Record<string, unknown> = { ...createMemoryLedger() };
  for (const name of names) delete ledger[name];
  return ledger as unknown as Ledger;
}

describe('ledger capabilities', () => {
  it('tells a ledger with reports from one with the engine contract only', () => {
    expect(hasLedgerReports(createMemoryLedger())).toBe(true);
    expect(hasLedgerReports(without('failures'))).toBe(false);
  });

  it('keeps the reports and capabilities of a guarded ledger, and only those it has', () => {
    expect(hasLedgerReports(guardLedger(createMemoryLedger()))).toBe(true);
    const guarded = guardLedger(without('cost', 'livePoints'));
    expect(hasLedgerReports(guarded)).toBe(false);
    expect(guarded.livePoints).toBeUndefined();
    expect(typeof guarded.erasedPoints).toBe('function');
  });

  it('counts the erasure group as present only when all four members are', async () => {
    expect(hasErasure(createMemoryLedger())).toBe(true);
    const partial = without('erasedPoints');
    expect(hasErasure(partial)).toBe(false);
    // forget refuses it before touching anything: a forgotten row would be embedded again.
    const refused = await forget({
      ledger: partial,
      sourceId: 'source',
      keys: ['1'],
      openSink: () => Promise.reject(new Error('not reached')),
    }).catch((error: unknown) => error);
    expect(DriftError.hasCode(refused, 'invalid-input')).toBe(true);
    expect((refused as Error).message).toMatch(/erasedPoints/);
  });
});
