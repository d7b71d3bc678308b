import { createMemoryLedger, type Ledger } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { requireLedgerReports } from './ledger-reports.js';

describe('requireLedgerReports', () => {
  it('passes a ledger with reports through', () => {
    const ledger = createMemoryLedger();
    expect(requireLedgerReports(ledger, 'drift cost')).toBe(ledger);
  });

  it('names the command when a custom ledger implements the engine contract only', () => {
    const { cost: _cost, provenance: _provenance, ...engineOnly } = createMemoryLedger();
    expect(() => requireLedgerReports(engineOnly as Ledger, 'drift cost')).toThrow(
      /^drift cost needs a ledger that answers reports \(LedgerReports: cost, provenance/,
    );
  });
});
