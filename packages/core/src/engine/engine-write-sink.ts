import { DriftError } from '../errors/drift-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import type { Point } from '../spec/sink-v1.js';
import { withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { retryHooks } from './engine-vectors.js';

/** Why the sink refused a point, by point id. */
export type Rejections = Map<string, { code: string; reason: string }>;

function hooks(state: RunState) {
  return { ...retryHooks(state), signal: state.userSignal };
}

/** Removes points from the sink, split to its limit, each call retried. */
export async function deletePoints(state: RunState, ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += state.settings.maxPointsPerWrite) {
    const chunk = ids.slice(start, start + state.settings.maxPointsPerWrite);
    await withRetry(
      () => state.sink.delete(chunk, { signal: state.userSignal }),
      state.settings.retry,
      hooks(state),
    );
  }
}

/**
 * Upserts points, split to the sink's limit. A point the sink refuses (`point-rejected`)
 * fails alone: a refused write is split in halves until the point is found, as a
 * provider's rejected input is; every other point is written. Returns the refused ones.
 */
export async function upsertPoints(state: RunState, points: Point[]): Promise<Rejections> {
  const rejected: Rejections = new Map();
  for (let start = 0; start < points.length; start += state.settings.maxPointsPerWrite) {
    const chunk =
      points.length <= state.settings.maxPointsPerWrite
        ? points
        : points.slice(start, start + state.settings.maxPointsPerWrite);
    await upsertIsolating(state, chunk, rejected);
  }
  return rejected;
}

async function upsertIsolating(
  state: RunState,
  points: Point[],
  rejected: Rejections,
): Promise<void> {
  try {
    await withRetry(
      () => state.sink.upsert(points, { signal: state.userSignal }),
      state.settings.retry,
      hooks(state),
    );
  } catch (error) {
    if (!DriftError.hasCode(error, ErrorCode.PointRejected)) throw error;
    if (points.length === 1) {
      rejected.set(points[0]!.id, { code: error.code, reason: error.message });
      return;
    }
    const middle = points.length >> 1;
    await upsertIsolating(state, points.slice(0, middle), rejected);
    await upsertIsolating(state, points.slice(middle), rejected);
  }
}
