import type {
  FailureRecord,
  HistoryAction,
  HistoryEntry,
  LivePoint,
  RunCounters,
  RunKind,
  RunRecord,
  RunStatus,
} from '@drift-spark/core';
import type { LedgerNames } from './sqlite-ledger-names.js';

/**
 * Column lists, in the order the row mappers below read them (statements run in raw
 * mode). Sink, source, model, fingerprint and run columns hold numbers from `names`.
 */
export const pointColumns =
  'sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, updated_at';
export const historyColumns =
  'action, sink, point_id, source, key, content_hash, fingerprint, run, at, reason';
export const failureColumns =
  'run, sink, source, key, point_id, code, reason, at, content_hash, text_length';
export const runColumns =
  'id, kind, status, source_id, sink_id, model, fingerprint, usd_per_million_tokens, price_source, from_version, to_version, options, rows_processed, rows_deduped, rows_embedded, rows_reused, rows_skipped, rows_failed, rows_deleted, tokens, cost_usd, started_at, finished_at, error, pid, hostname';

type Raw = unknown[];

export function toLivePoint(row: Raw, names: LedgerNames): LivePoint {
  return {
    sinkId: names.name(row[0] as number),
    pointId: row[1] as string,
    sourceId: names.name(row[2] as number),
    key: row[3] as string,
    contentHash: row[4] as string,
    fingerprint: names.name(row[5] as number),
    model: names.name(row[6] as number),
    tokens: row[7] as number,
    costUsd: row[8] as number,
    runId: names.name(row[9] as number),
    updatedAt: new Date(row[10] as number),
  };
}

export function toHistoryEntry(row: Raw, names: LedgerNames): HistoryEntry {
  const entry: HistoryEntry = {
    action: row[0] as HistoryAction,
    sinkId: names.name(row[1] as number),
    pointId: row[2] as string,
    sourceId: names.name(row[3] as number),
    key: row[4] as string,
    runId: names.name(row[7] as number),
    at: new Date(row[8] as number),
  };
  if (row[5] !== null) entry.contentHash = row[5] as string;
  if (row[6] !== null) entry.fingerprint = names.name(row[6] as number);
  if (row[9] !== null) entry.reason = row[9] as string;
  return entry;
}

export function toFailureRecord(row: Raw, names: LedgerNames): FailureRecord {
  return {
    runId: names.name(row[0] as number),
    sinkId: names.name(row[1] as number),
    sourceId: names.name(row[2] as number),
    key: row[3] as string,
    pointId: row[4] as string,
    code: row[5] as string,
    reason: row[6] as string,
    at: new Date(row[7] as number),
    ...(row[8] === null ? {} : { contentHash: row[8] as string }),
    ...(row[9] === null ? {} : { textLength: row[9] as number }),
  };
}

export function toRunRecord(row: Raw): RunRecord {
  const counters: RunCounters = {
    rowsProcessed: row[12] as number,
    rowsDeduped: row[13] as number,
    rowsEmbedded: row[14] as number,
    rowsReused: row[15] as number,
    rowsSkipped: row[16] as number,
    rowsFailed: row[17] as number,
    rowsDeleted: row[18] as number,
    tokens: row[19] as number,
    costUsd: row[20] as number,
  };
  const run: RunRecord = {
    runId: row[0] as string,
    kind: row[1] as RunKind,
    status: row[2] as RunStatus,
    sourceId: row[3] as string,
    sinkId: row[4] as string,
    model: row[5] as string,
    fingerprint: row[6] as string,
    usdPerMillionTokens: row[7] as number,
    priceSource: row[8] as string,
    startedAt: new Date(row[21] as number),
    counters,
  };
  if (row[9] !== null) run.fromVersion = row[9] as number;
  if (row[10] !== null) run.toVersion = row[10] as number;
  if (row[11] !== null) run.options = JSON.parse(row[11] as string) as Record<string, unknown>;
  if (row[22] !== null) run.finishedAt = new Date(row[22] as number);
  if (row[23] !== null) run.error = row[23] as string;
  if (row[24] !== null && row[25] !== null)
    run.process = { pid: row[24] as number, hostname: row[25] as string };
  return run;
}
