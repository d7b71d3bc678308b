import type { LivePointsQuery } from '../spec/ledger-maintenance-v1.js';
import type { LedgerV1, LivePoint } from '../spec/ledger-v1.js';
import { assertOpen, copyPoint, joinKey, type MemoryLedgerState } from './memory-ledger-state.js';

/** Reads of the live points: by id, by content hash, counted, and a source's page by page. */
export function memoryPointReads(
  state: MemoryLedgerState,
): Required<
  Pick<LedgerV1, 'getPoints' | 'findByContentHash' | 'countPoints' | 'livePoints' | 'pointsOfKeys'>
> {
  return {
    async getPoints(sinkId: string, pointIds: string[]): Promise<Map<string, LivePoint>> {
      assertOpen(state);
      const found = new Map<string, LivePoint>();
      const points = state.live.get(sinkId);
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
      assertOpen(state);
      const found = new Map<string, LivePoint>();
      const points = state.live.get(sinkId);
      if (!points) return found;
      for (const hash of contentHashes) {
        const ids = state.byHash.get(joinKey(sinkId, fingerprint, hash));
        const point = ids && points.get(ids.values().next().value!);
        if (point) found.set(hash, copyPoint(point));
      }
      return found;
    },

    async countPoints(sinkId: string): Promise<number> {
      assertOpen(state);
      return state.live.get(sinkId)?.size ?? 0;
    },

    async livePoints(query: LivePointsQuery): Promise<LivePoint[]> {
      assertOpen(state);
      const after = query.afterPointId ?? '';
      const limit = Math.max(1, Math.floor(query.limit));
      return [...(state.live.get(query.sinkId)?.values() ?? [])]
        .filter((point) => point.sourceId === query.sourceId && point.pointId > after)
        .sort((a, b) => (a.pointId < b.pointId ? -1 : a.pointId > b.pointId ? 1 : 0))
        .slice(0, limit)
        .map(copyPoint);
    },

    async pointsOfKeys(sinkId: string, sourceId: string, keys: string[]): Promise<LivePoint[]> {
      assertOpen(state);
      const wanted = new Set(keys);
      return [...(state.live.get(sinkId)?.values() ?? [])]
        .filter((point) => point.sourceId === sourceId && wanted.has(point.key))
        .map(copyPoint);
    },
  };
}
