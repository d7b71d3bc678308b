import type { RunCounters, RunKind } from '../spec/ledger-v1.js';

/** Typed progress events. Names are noun-verb; counters use the result names. */
export type DriftEvent =
  | {
      type: 'run-start';
      runId: string;
      kind: RunKind;
      sourceId: string;
      sinkId: string;
      model: string;
      /** Rows the run will read, when the source knows it (a scan of a table whose log counts rows). */
      totalRows?: number;
      fromVersion?: number;
      toVersion?: number;
    }
  | {
      /** The sink holds fewer points than the ledger records: every row is checked against it. */
      type: 'sink-loss';
      runId: string;
      sinkPoints: number;
      ledgerPoints: number;
      created: boolean;
    }
  | {
      /**
       * Batches an earlier run wrote to the sink without recording them (it died in
       * between) were recorded from what the sink holds, before this run wrote anything.
       */
      type: 'pending-writes-settled';
      runId: string;
      writes: number;
    }
  | { type: 'batch-start'; runId: string; batch: number; rows: number }
  | { type: 'batch-end'; runId: string; batch: number; counters: RunCounters }
  | { type: 'embed-call'; runId: string; inputs: number; tokens: number }
  | {
      type: 'retry-wait';
      runId: string;
      attempt: number;
      delayMs: number;
      code: string;
      reason: string;
    }
  | { type: 'concurrency-change'; runId: string; concurrency: number }
  | { type: 'row-fail'; runId: string; key: string; code: string; reason: string }
  /** After a scan in which `count` rows repeated the key of an earlier row (the last one read won). */
  | { type: 'duplicate-keys'; runId: string; count: number; examples: string[] }
  | {
      type: 'run-end';
      runId: string;
      status: 'succeeded' | 'partial' | 'failed';
      counters: RunCounters;
      durationS: number;
      /** For a sync: what the net effect inserted, updated and deleted (also when it stopped). */
      changes?: { inserted: number; updated: number; deleted: number };
    };

export type DriftEventType = DriftEvent['type'];
