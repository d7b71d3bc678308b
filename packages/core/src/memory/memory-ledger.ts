import { hostname } from 'node:os';
import { LedgerError, LockedError, PluginStateError } from '../errors/errors.js';
import { validateLedgerBatch, zeroCounters } from '../ledger-support/ledger-support.js';
import type {
  Checkpoint,
  CheckpointRef,
  CostQuery,
  CostRow,
  FailureRecord,
  HistoryEntry,
  LedgerBatch,
  LedgerV1,
  LivePoint,
  Provenance,
  ProvenanceQuery,
  RunFinish,
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

export interface MemoryLedgerOptions {
  /**
   * Whether the process holding a lock is still there; a lock whose holder is gone is
   * taken over. Default: alive unless it is on this host and its pid no longer exists.
   */
  isHolderAlive?: (holder: LockHolder) => boolean;
}

interface CostEntry {
  at: number;
  model: string;
  sinkId: string;
  sourceId: string;
  runId: string;
  tokens: number;
  costUsd: number;
}

const thisHost = hostname();

/** Alive unless it ran on this host under a pid that is gone. */
export function isLockHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== thisHost) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A complete in-process Ledger (runs, lock, live points, history, failures,
 * checkpoints, cost, provenance). Nothing survives the process; for tests and
 * one-shot runs. Like every ledger it never sees raw text.
 */
export function createMemoryLedger(options: MemoryLedgerOptions = {}): LedgerV1 {
  const isHolderAlive = options.isHolderAlive ?? isLockHolderAlive;
  let closed = false;
  /** Insertion order is start order. */
  const runs = new Map<string, RunRecord>();
  const locks = new Map<string, LockHolder>();
  const live = new Map<string, Map<string, LivePoint>>();
  const byHash = new Map<string, Set<string>>();
  const history: HistoryEntry[] = [];
  const historyByPoint = new Map<string, HistoryEntry[]>();
  const historyByKey = new Map<string, HistoryEntry[]>();
  const costs: CostEntry[] = [];
  const checkpoints = new Map<string, Checkpoint>();
  const failureRecords: FailureRecord[] = [];

  const open = (): void => {
    if (closed) throw new PluginStateError('The memory ledger is closed; create a new one.');
  };
  const pairKey = (sourceId: string, sinkId: string) => `${sourceId}\u0000${sinkId}`;
  const hashKey = (sinkId: string, fingerprint: string, hash: string) =>
    `${sinkId}\u0000${fingerprint}\u0000${hash}`;
  const checkpointKey = (ref: CheckpointRef) =>
    `${ref.sourceId}\u0000${ref.sinkId}\u0000${ref.fingerprint}`;

  const sinkPoints = (sinkId: string): Map<string, LivePoint> => {
    let points = live.get(sinkId);
    if (!points) {
      points = new Map();
      live.set(sinkId, points);
    }
    return points;
  };

  const removeLive = (sinkId: string, pointId: string): LivePoint | undefined => {
    const points = live.get(sinkId);
    const existing = points?.get(pointId);
    if (!points || !existing) return undefined;
    points.delete(pointId);
    const key = hashKey(sinkId, existing.fingerprint, existing.contentHash);
    const ids = byHash.get(key);
    ids?.delete(pointId);
    if (ids && ids.size === 0) byHash.delete(key);
    return existing;
  };

  const addHistory = (entry: HistoryEntry): void => {
    history.push(entry);
    push(historyByPoint, entry.pointId, entry);
    push(historyByKey, entry.key, entry);
  };

  const getRunOrThrow = (runId: string): RunRecord => {
    const run = runs.get(runId);
    if (!run)
      throw new LedgerError(`The ledger has no run ${runId}; start it with startRun() first.`);
    return run;
  };

  return {
    specificationVersion: 'v1',

    async startRun(start: RunStart): Promise<void> {
      open();
      if (runs.has(start.runId)) {
        throw new LedgerError(
          `The ledger already has a run ${start.runId}; every run needs a new id.`,
        );
      }
      const pair = pairKey(start.sourceId, start.sinkId);
      const holder = locks.get(pair);
      if (holder) {
        const holderRun = runs.get(holder.runId);
        if (holderRun?.status === 'running' && isHolderAlive(holder)) {
          throw new LockedError(
            `Run ${holder.runId} (started ${holder.startedAt.toISOString()} by pid ${holder.pid} on ${holder.hostname}) is already writing from ${start.sourceId} into ${start.sinkId}. Wait for it to finish or stop it; a lock whose process is gone is taken over on the next run.`,
            { holderRunId: holder.runId },
          );
        }
        if (holderRun?.status === 'running') {
          holderRun.status = 'failed';
          holderRun.finishedAt = new Date();
          holderRun.error = `Abandoned: its process (pid ${holder.pid} on ${holder.hostname}) is gone; run ${start.runId} took over the lock.`;
        }
      }
      runs.set(start.runId, {
        ...copyRunStart(start),
        status: 'running',
        counters: zeroCounters(),
      });
      locks.set(pair, {
        runId: start.runId,
        pid: process.pid,
        hostname: thisHost,
        startedAt: new Date(start.startedAt),
      });
    },

    async finishRun(runId: string, finish: RunFinish): Promise<void> {
      open();
      const run = getRunOrThrow(runId);
      run.status = finish.status;
      run.counters = { ...finish.counters };
      run.finishedAt = new Date(finish.finishedAt);
      if (finish.error !== undefined) run.error = finish.error;
      const pair = pairKey(run.sourceId, run.sinkId);
      if (locks.get(pair)?.runId === runId) locks.delete(pair);
    },

    async getPoints(sinkId: string, pointIds: string[]): Promise<Map<string, LivePoint>> {
      open();
      const found = new Map<string, LivePoint>();
      const points = live.get(sinkId);
      if (!points) return found;
      for (const pointId of pointIds) {
        const point = points.get(pointId);
        if (point) found.set(pointId, copyPoint(point));
      }
      return found;
    },

    async findByContentHash(
      sinkId: string,
      fingerprint: string,
      contentHashes: string[],
    ): Promise<Map<string, LivePoint>> {
      open();
      const found = new Map<string, LivePoint>();
      const points = live.get(sinkId);
      if (!points) return found;
      for (const hash of contentHashes) {
        const ids = byHash.get(hashKey(sinkId, fingerprint, hash));
        if (!ids) continue;
        for (const pointId of ids) {
          const point = points.get(pointId);
          if (point) {
            found.set(hash, copyPoint(point));
            break;
          }
        }
      }
      return found;
    },

    async commitBatch(batch: LedgerBatch): Promise<void> {
      open();
      // Validate everything first, so a bad batch changes nothing (one transaction).
      validateLedgerBatch(batch);
      const at = new Date(batch.at);
      const points = sinkPoints(batch.sinkId);
      for (const remove of batch.deletes) {
        if (!removeLive(batch.sinkId, remove.pointId)) continue;
        addHistory({
          action: 'delete',
          sinkId: batch.sinkId,
          pointId: remove.pointId,
          sourceId: remove.sourceId,
          key: remove.key,
          runId: batch.runId,
          at,
        });
      }
      for (const upsert of batch.upserts) {
        removeLive(batch.sinkId, upsert.pointId);
        const point: LivePoint = {
          ...upsert,
          sinkId: batch.sinkId,
          runId: batch.runId,
          updatedAt: at,
        };
        points.set(point.pointId, point);
        const key = hashKey(batch.sinkId, point.fingerprint, point.contentHash);
        let ids = byHash.get(key);
        if (!ids) {
          ids = new Set();
          byHash.set(key, ids);
        }
        ids.add(point.pointId);
        addHistory({
          action: 'upsert',
          sinkId: batch.sinkId,
          pointId: point.pointId,
          sourceId: point.sourceId,
          key: point.key,
          contentHash: point.contentHash,
          fingerprint: point.fingerprint,
          runId: batch.runId,
          at,
        });
        costs.push({
          at: at.getTime(),
          model: point.model,
          sinkId: batch.sinkId,
          sourceId: point.sourceId,
          runId: batch.runId,
          tokens: point.tokens,
          costUsd: point.costUsd,
        });
      }
      for (const failure of batch.failures) {
        failureRecords.push({ ...failure, runId: batch.runId, sinkId: batch.sinkId, at });
      }
    },

    async getCheckpoint(ref: CheckpointRef): Promise<Checkpoint | undefined> {
      open();
      const checkpoint = checkpoints.get(checkpointKey(ref));
      return checkpoint ? { ...checkpoint, updatedAt: new Date(checkpoint.updatedAt) } : undefined;
    },

    async setCheckpoint(checkpoint: Omit<Checkpoint, 'updatedAt'>): Promise<void> {
      open();
      checkpoints.set(checkpointKey(checkpoint), {
        sourceId: checkpoint.sourceId,
        sinkId: checkpoint.sinkId,
        fingerprint: checkpoint.fingerprint,
        version: checkpoint.version,
        runId: checkpoint.runId,
        updatedAt: new Date(),
      });
    },

    async recordErasure(entries): Promise<void> {
      open();
      const at = new Date();
      for (const entry of entries) {
        removeLive(entry.sinkId, entry.pointId);
        const record: HistoryEntry = {
          action: 'erase',
          sinkId: entry.sinkId,
          pointId: entry.pointId,
          sourceId: entry.sourceId,
          key: entry.key,
          runId: entry.runId,
          at,
        };
        if (entry.reason !== undefined) record.reason = entry.reason;
        addHistory(record);
      }
    },

    async cost(query: CostQuery): Promise<CostRow[]> {
      open();
      const since = query.since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const until = query.until?.getTime() ?? Number.POSITIVE_INFINITY;
      const groups = new Map<string, CostRow & { runIds: Set<string> }>();
      for (const entry of costs) {
        if (entry.at < since || entry.at > until) continue;
        const group =
          query.by === 'model'
            ? entry.model
            : query.by === 'sink'
              ? entry.sinkId
              : query.by === 'source'
                ? entry.sourceId
                : entry.runId;
        let row = groups.get(group);
        if (!row) {
          row = { group, tokens: 0, costUsd: 0, embeddings: 0, runs: 0, runIds: new Set() };
          groups.set(group, row);
        }
        row.tokens += entry.tokens;
        row.costUsd += entry.costUsd;
        if (entry.tokens > 0) row.embeddings += 1;
        row.runIds.add(entry.runId);
      }
      return [...groups.values()]
        .map(({ runIds, ...row }) => ({ ...row, runs: runIds.size }))
        .sort(
          (a, b) => b.costUsd - a.costUsd || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
        );
    },

    async provenance(query: ProvenanceQuery): Promise<Provenance[]> {
      open();
      const entries =
        'pointId' in query
          ? (historyByPoint.get(query.pointId) ?? [])
          : (historyByKey.get(query.key) ?? []).filter(
              (entry) =>
                (query.sourceId === undefined || entry.sourceId === query.sourceId) &&
                (query.sinkId === undefined || entry.sinkId === query.sinkId),
            );
      // One provenance per (sink, point), in order of first appearance; history oldest first.
      const grouped = new Map<string, HistoryEntry[]>();
      for (const entry of entries) push(grouped, `${entry.sinkId}\u0000${entry.pointId}`, entry);
      const results: Provenance[] = [];
      for (const group of grouped.values()) {
        const first = group[0]!;
        const point = live.get(first.sinkId)?.get(first.pointId);
        const result: Provenance = { history: group.map(copyHistory) };
        if (point) {
          result.point = copyPoint(point);
          const run = runs.get(point.runId);
          if (run) result.run = copyRun(run);
        }
        results.push(result);
      }
      return results;
    },

    async recentRuns(options: { sinkId?: string; limit?: number } = {}): Promise<RunRecord[]> {
      open();
      const limit = options.limit ?? 20;
      const ordered = [...runs.values()]
        .map((run, order) => ({ run, order }))
        .filter(({ run }) => options.sinkId === undefined || run.sinkId === options.sinkId)
        .sort((a, b) => b.run.startedAt.getTime() - a.run.startedAt.getTime() || b.order - a.order);
      return ordered.slice(0, Math.max(0, limit)).map(({ run }) => copyRun(run));
    },

    async getRun(runId: string): Promise<RunRecord | undefined> {
      open();
      const run = runs.get(runId);
      return run ? copyRun(run) : undefined;
    },

    async failures(options: {
      runId?: string;
      sinkId?: string;
      limit?: number;
    }): Promise<FailureRecord[]> {
      open();
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const found: FailureRecord[] = [];
      for (const failure of failureRecords) {
        if (found.length >= limit) break;
        if (options.runId !== undefined && failure.runId !== options.runId) continue;
        if (options.sinkId !== undefined && failure.sinkId !== options.sinkId) continue;
        found.push({ ...failure, at: new Date(failure.at) });
      }
      return found;
    },

    async countPoints(sinkId: string): Promise<number> {
      open();
      return live.get(sinkId)?.size ?? 0;
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function copyPoint(point: LivePoint): LivePoint {
  return { ...point, updatedAt: new Date(point.updatedAt) };
}

function copyHistory(entry: HistoryEntry): HistoryEntry {
  return { ...entry, at: new Date(entry.at) };
}

function copyRunStart(start: RunStart): RunStart {
  const copy: RunStart = { ...start, startedAt: new Date(start.startedAt) };
  if (start.options !== undefined) copy.options = structuredClone(start.options);
  return copy;
}

function copyRun(run: RunRecord): RunRecord {
  const copy: RunRecord = {
    ...copyRunStart(run),
    status: run.status,
    counters: { ...run.counters },
  };
  if (run.finishedAt !== undefined) copy.finishedAt = new Date(run.finishedAt);
  if (run.error !== undefined) copy.error = run.error;
  return copy;
}
