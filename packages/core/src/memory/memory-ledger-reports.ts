import type {
  CostQuery,
  CostRow,
  LedgerReportsV1,
  Provenance,
  ProvenanceQuery,
} from '../spec/ledger-reports-v1.js';
import type { FailureRecord, HistoryEntry } from '../spec/ledger-v1.js';
import {
  assertOpen,
  copyHistory,
  copyPoint,
  copyRun,
  joinKey,
  type MemoryLedgerState,
  push,
} from './memory-ledger-state.js';

/** The reporting queries: cost, provenance and failures (`getRun` lives with the runs). */
export function memoryReports(
  state: MemoryLedgerState,
): Pick<LedgerReportsV1, 'cost' | 'provenance' | 'failures'> {
  return {
    async cost(query: CostQuery): Promise<CostRow[]> {
      assertOpen(state);
      const since = query.since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const until = query.until?.getTime() ?? Number.POSITIVE_INFINITY;
      const column = (
        { model: 'model', sink: 'sinkId', source: 'sourceId', run: 'runId' } as const
      )[query.by];
      const groups = new Map<string, CostRow & { runIds: Set<string> }>();
      for (const entry of state.costs) {
        if (entry.at < since || entry.at > until) continue;
        const group = entry[column];
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
      assertOpen(state);
      const entries =
        'pointId' in query
          ? (state.historyByPoint.get(query.pointId) ?? [])
          : (state.historyByKey.get(query.key) ?? []).filter(
              (entry) =>
                (query.sourceId === undefined || entry.sourceId === query.sourceId) &&
                (query.sinkId === undefined || entry.sinkId === query.sinkId),
            );
      // One provenance per (sink, point), in order of first appearance; history oldest first.
      const grouped = new Map<string, HistoryEntry[]>();
      for (const entry of entries) push(grouped, joinKey(entry.sinkId, entry.pointId), entry);
      return [...grouped.values()].map((group) => {
        const point = state.live.get(group[0]!.sinkId)?.get(group[0]!.pointId);
        const result: Provenance = { history: group.map(copyHistory) };
        const run = point && state.runs.get(point.runId);
        if (point) result.point = copyPoint(point);
        if (run) result.run = copyRun(run);
        return result;
      });
    },

    async failures(options: {
      runId?: string;
      sinkId?: string;
      limit?: number;
    }): Promise<FailureRecord[]> {
      assertOpen(state);
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const found: FailureRecord[] = [];
      for (const failure of state.failures) {
        if (found.length >= limit) break;
        if (options.runId !== undefined && failure.runId !== options.runId) continue;
        if (options.sinkId !== undefined && failure.sinkId !== options.sinkId) continue;
        found.push({ ...failure, at: new Date(failure.at) });
      }
      return found;
    },
  };
}
