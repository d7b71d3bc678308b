import { afterEach, describe, it } from 'vitest';
import { erasureCases, sweepCases } from './ledger/test-ledger-capabilities.js';
import { durabilityCases, persistenceCases } from './ledger/test-ledger-durability.js';
import {
  createLedgerKit,
  type LedgerCase,
  type TestLedgerOptions,
} from './ledger/test-ledger-kit.js';
import { pendingCases } from './ledger/test-ledger-pending.js';
import { pointCases } from './ledger/test-ledger-points.js';
import { erasureReportCases, reportCases } from './ledger/test-ledger-reports.js';
import { retiredCases, retiredErasureCases } from './ledger/test-ledger-retired.js';
import { runCases } from './ledger/test-ledger-runs.js';

export type { LedgerCase, LedgerKit, TestLedgerOptions } from './ledger/test-ledger-kit.js';

/**
 * Registers the Ledger conformance suite (vitest `describe`/`it`). The engine contract
 * always: runs and the (source, sink) lock (concurrent starts, takeover of an abandoned
 * lock), atomic batches, live points and content-hash lookups (copies, unicode, 5,000
 * points), checkpoints, use after close; with `reopen`, what a second instance sees after
 * the first one died. Then the optional capabilities (`sweep`, `erasure`,
 * `retiredVectors`, `pendingWrites`) and the reporting queries (`reports`), unless `skip` names them.
 */
export function testLedger(options: TestLedgerOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const skip = options.skip ?? {};
  const kit = createLedgerKit(options);
  // A section the ledger opts out of does not apply to it: left out, not reported as skipped.
  const section = (title: string, cases: LedgerCase[], skipped = false) => {
    if (skipped) return;
    describe(title, () => {
      for (const rule of cases) it(rule.name, () => rule.run(kit), timeout);
    });
  };

  describe(options.title ?? 'ledger conformance', () => {
    afterEach(() => kit.closeAll());
    section('runs and the lock', runCases);
    section('batches and live points', pointCases);
    section('checkpoints and lifecycle', durabilityCases);
    // A ledger with no store to reopen (in memory) has no such section, not a skipped one.
    if (options.reopen) section('a second instance on the same store', persistenceCases);
    section('sweep (livePoints)', sweepCases, skip.sweep);
    section('erasure', erasureCases, skip.erasure);
    section('vectors of edited chunks', retiredCases, skip.retiredVectors);
    section('erasure of kept vectors', retiredErasureCases, skip.retiredVectors || skip.erasure);
    section('pending writes', pendingCases, skip.pendingWrites);
    section('reports', reportCases, skip.reports);
    section('reports of erasures', erasureReportCases, skip.reports || skip.erasure);
    options.additionalTests?.(kit);
  });
}

/** Every rule of the suite by section, for tests of the testkit itself. */
export const ledgerCases: Record<string, LedgerCase[]> = {
  runs: runCases,
  points: pointCases,
  durability: durabilityCases,
  persistence: persistenceCases,
  sweep: sweepCases,
  erasure: erasureCases,
  retiredVectors: retiredCases,
  retiredErasure: retiredErasureCases,
  pendingWrites: pendingCases,
  reports: reportCases,
  erasureReports: erasureReportCases,
};
