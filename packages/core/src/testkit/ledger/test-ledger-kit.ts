import { randomUUID } from 'node:crypto';
import { DriftError } from '../../errors/drift-error.js';
import { ledgerReportMethods } from '../../ledger-support/ledger-capabilities.js';
import { zeroCounters } from '../../ledger-support/ledger-support.js';
import type { LedgerReportsV1 } from '../../spec/ledger-reports-v1.js';
import type { Ledger, LedgerBatch, RunFinish, RunStart } from '../../spec/ledger-v1.js';

export interface TestLedgerOptions {
  /** A new, empty ledger. */
  create: () => Promise<Ledger> | Ledger;
  /**
   * Makes the lock held by `runId` look abandoned (its process gone) as the ledger's
   * own staleness check sees it, e.g. by writing a dead pid into the lock row.
   */
  abandonLock: (ledger: Ledger, runId: string) => Promise<void> | void;
  /**
   * A second instance on the same store as `ledger`, opened while `ledger` is still open
   * (as after a crash, or from another process). Without it those tests are not registered.
   */
  reopen?: (ledger: Ledger) => Promise<Ledger> | Ledger;
  /**
   * Sections to skip, for a ledger that does not offer them: `sweep` (`livePoints`),
   * `erasure` (the erasure group), `retiredVectors` (`keepRetiredVectors` and
   * `findRetiredVectors`) and `reports` (`LedgerReportsV1`). All run by default.
   */
  skip?: {
    sweep?: boolean;
    erasure?: boolean;
    retiredVectors?: boolean;
    pendingWrites?: boolean;
    reports?: boolean;
  };
  /** Registers more tests inside the suite, with the same helpers. */
  additionalTests?: (kit: LedgerKit) => void;
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `ledger conformance`. */
  title?: string;
}

/** One rule of the suite: a named check run against a ledger from `kit`. */
export interface LedgerCase {
  name: string;
  run: (kit: LedgerKit) => Promise<void>;
}

type Upsert = LedgerBatch['upserts'][number];

/** What every case uses: fresh ledgers (closed after each test) and records to write. */
export interface LedgerKit {
  options: TestLedgerOptions;
  /** A new ledger, closed after the test. */
  fresh(): Promise<Ledger>;
  /** A second instance on the store of `ledger` (only when `options.reopen` is given). */
  reopen(ledger: Ledger): Promise<Ledger>;
  /** The ledger with its reports, or a failure telling to declare `skip.reports`. */
  reports(ledger: Ledger): Ledger & LedgerReportsV1;
  /** Closes every ledger the test made. */
  closeAll(): Promise<void>;
  run(overrides?: Partial<RunStart>): RunStart;
  /** A new ledger with one run started. */
  started(overrides?: Partial<RunStart>): Promise<{ ledger: Ledger; run: RunStart }>;
  upsert(key: string, overrides?: Partial<Upsert>): Upsert;
  /** A failed row of `key` (rejected as too long). */
  failure(key: string): LedgerBatch['failures'][number];
  batch(run: RunStart, parts: Partial<LedgerBatch>): LedgerBatch;
  finish(overrides?: Partial<RunFinish>): RunFinish;
  hasCode(code: string): (error: unknown) => boolean;
}

export function createLedgerKit(options: TestLedgerOptions): LedgerKit {
  const open: Ledger[] = [];
  const track = (ledger: Ledger) => {
    open.push(ledger);
    return ledger;
  };
  const kit: LedgerKit = {
    options,
    fresh: async () => track(await options.create()),
    async reopen(ledger) {
      if (!options.reopen) throw new Error('testLedger: this case needs the `reopen` option.');
      return track(await options.reopen(ledger));
    },
    reports(ledger) {
      const candidate = ledger as Ledger & Partial<LedgerReportsV1>;
      for (const name of ledgerReportMethods)
        if (typeof candidate[name] !== 'function')
          throw new Error(`The ledger has no ${name}(): implement LedgerReports or skip.reports.`);
      return candidate as Ledger & LedgerReportsV1;
    },
    async closeAll() {
      for (const ledger of open.splice(0)) await ledger.close().catch(() => undefined);
    },
    run: (overrides = {}) => ({
      runId: randomUUID(),
      kind: 'embed',
      sourceId: 'source-a',
      sinkId: 'sink-a',
      model: 'model/one',
      fingerprint: 'model/one@8',
      usdPerMillionTokens: 20,
      priceSource: 'conformance',
      startedAt: new Date('2026-01-01T00:00:00.000Z'),
      ...overrides,
    }),
    async started(overrides = {}) {
      const ledger = await kit.fresh();
      const run = kit.run(overrides);
      await ledger.startRun(run);
      return { ledger, run };
    },
    upsert: (key, overrides = {}) => ({
      pointId: `point-${key}`,
      sourceId: 'source-a',
      key,
      contentHash: `hash-${key}`,
      fingerprint: 'model/one@8',
      model: 'model/one',
      tokens: 10,
      costUsd: 0.0002,
      ...overrides,
    }),
    failure: (key) => ({
      sourceId: 'source-a',
      key,
      pointId: `point-${key}`,
      code: 'input-rejected',
      reason: `input ${key} is too long`,
    }),
    batch: (run, parts) => ({
      runId: run.runId,
      sinkId: run.sinkId,
      upserts: [],
      deletes: [],
      failures: [],
      at: new Date('2026-01-01T00:01:00.000Z'),
      ...parts,
    }),
    finish: (overrides = {}) => ({
      status: 'succeeded',
      counters: zeroCounters(),
      finishedAt: new Date('2026-01-01T00:09:00.000Z'),
      ...overrides,
    }),
    hasCode: (code) => (error) => DriftError.hasCode(error, code),
  };
  return kit;
}
