import { pointId } from '../identity/point-id.js';
import type { Ledger } from '../spec/ledger-v1.js';

/** One point `forget` erases, and the key of the row it belongs to. */
export interface ErasureTarget {
  key: string;
  pointId: string;
}

/**
 * The points to erase for these keys in one sink: each row's own point id (erased even when
 * not live, so a later embed skips the row), and every other live point of the key the
 * ledger lists (a chunked row's chunks, `pointsOfKeys`), so no chunk of a forgotten row stays.
 */
export async function erasureTargets(
  ledger: Pick<Ledger, 'pointsOfKeys'>,
  sourceId: string,
  sinkId: string,
  keys: string[],
  size: number,
): Promise<ErasureTarget[]> {
  const targets = keys.map((key) => ({ key, pointId: pointId(sourceId, key) }));
  if (typeof ledger.pointsOfKeys !== 'function') return targets;
  const known = new Set(targets.map((target) => target.pointId));
  for (let start = 0; start < keys.length; start += size) {
    const points = await ledger.pointsOfKeys(sinkId, sourceId, keys.slice(start, start + size));
    for (const point of points)
      if (!known.has(point.pointId)) {
        known.add(point.pointId);
        targets.push({ key: point.key, pointId: point.pointId });
      }
  }
  return targets;
}
