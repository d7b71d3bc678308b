import { PluginStateError } from '../errors/errors.js';
import type { ErasureReceipt } from '../spec/ledger-maintenance-v1.js';
import type {
  Checkpoint,
  FailureRecord,
  HistoryEntry,
  LivePoint,
  PendingWriteRecord,
  RetiredVector,
  RunRecord,
  RunStart,
} from '../spec/ledger-v1.js';

/** Who holds a (source, sink) lock. */
export interface LockHolder {
  runId: string;
  pid: number;
  hostname: string;
  startedAt: Date;
}

/** One paid (or reused) upsert, kept for cost reports after the point is gone. */
export interface CostEntry {
  at: number;
  model: string;
  sinkId: string;
  sourceId: string;
  runId: string;
  tokens: number;
  costUsd: number;
}

/**
 * Everything the memory ledger holds, shared by its parts (runs, points, erasure,
 * reports). Maps are keyed by ids joined with NUL, which no id contains.
 */
export interface MemoryLedgerState {
  /** Insertion order is start order. */
  runs: Map<string, RunRecord>;
  locks: Map<string, LockHolder>;
  live: Map<string, Map<string, LivePoint>>;
  byHash: Map<string, Set<string>>;
  historyByPoint: Map<string, HistoryEntry[]>;
  historyByKey: Map<string, HistoryEntry[]>;
  costs: CostEntry[];
  checkpoints: Map<string, Checkpoint>;
  failures: FailureRecord[];
  receipts: Map<string, ErasureReceipt[]>;
  /** Vectors of edited chunks, by sink id + fingerprint + content hash, oldest first. */
  retired: Map<string, RetiredVector & { sinkId: string }>;
  /** Writes noted before a sink write and not settled yet, by id (ids grow). */
  pending: Map<number, PendingWriteRecord>;
  nextPendingId: number;
  closed: boolean;
}

export function createMemoryLedgerState(): MemoryLedgerState {
  return {
    runs: new Map(),
    locks: new Map(),
    live: new Map(),
    byHash: new Map(),
    historyByPoint: new Map(),
    historyByKey: new Map(),
    costs: [],
    checkpoints: new Map(),
    failures: [],
    receipts: new Map(),
    retired: new Map(),
    pending: new Map(),
    nextPendingId: 1,
    closed: false,
  };
}

export function assertOpen(state: MemoryLedgerState): void {
  if (state.closed) throw new PluginStateError('The memory ledger is closed; create a new one.');
}

export const joinKey = (...parts: string[]) => parts.join('\u0000');

/** Removes a live point (and its content-hash entry); returns what it was. */
export function removeLive(
  state: MemoryLedgerState,
  sinkId: string,
  pointId: string,
): LivePoint | undefined {
  const points = state.live.get(sinkId);
  const existing = points?.get(pointId);
  if (!points || !existing) return undefined;
  points.delete(pointId);
  const key = joinKey(sinkId, existing.fingerprint, existing.contentHash);
  const ids = state.byHash.get(key);
  ids?.delete(pointId);
  if (ids && ids.size === 0) state.byHash.delete(key);
  return existing;
}

export function addHistory(state: MemoryLedgerState, entry: HistoryEntry): void {
  push(state.historyByPoint, entry.pointId, entry);
  push(state.historyByKey, entry.key, entry);
}

export function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function copyPoint(point: LivePoint): LivePoint {
  return { ...point, updatedAt: new Date(point.updatedAt) };
}

export function copyHistory(entry: HistoryEntry): HistoryEntry {
  return { ...entry, at: new Date(entry.at) };
}

export function copyRunStart(start: RunStart): RunStart {
  const copy: RunStart = { ...start, startedAt: new Date(start.startedAt) };
  if (start.options !== undefined) copy.options = structuredClone(start.options);
  return copy;
}

export function copyRun(run: RunRecord): RunRecord {
  const copy: RunRecord = {
    ...copyRunStart(run),
    status: run.status,
    counters: { ...run.counters },
  };
  if (run.finishedAt !== undefined) copy.finishedAt = new Date(run.finishedAt);
  if (run.error !== undefined) copy.error = run.error;
  return copy;
}
