import { validateLedgerBatch } from '../ledger-support/ledger-support.js';
import type {
  Checkpoint,
  CheckpointRef,
  LedgerBatch,
  LedgerV1,
  LivePoint,
} from '../spec/ledger-v1.js';
import {
  addHistory,
  assertOpen,
  joinKey,
  type MemoryLedgerState,
  removeLive,
} from './memory-ledger-state.js';

const checkpointKey = (ref: CheckpointRef) => joinKey(ref.sourceId, ref.sinkId, ref.fingerprint);

/** The write path: a batch (validated first, so a bad one changes nothing) and checkpoints. */
export function memoryWrites(
  state: MemoryLedgerState,
): Pick<LedgerV1, 'commitBatch' | 'getCheckpoint' | 'setCheckpoint'> {
  return {
    async commitBatch(batch: LedgerBatch): Promise<void> {
      assertOpen(state);
      validateLedgerBatch(batch);
      const { sinkId, runId } = batch;
      const at = new Date(batch.at);
      let points = state.live.get(sinkId);
      if (!points) {
        points = new Map();
        state.live.set(sinkId, points);
      }
      for (const { pointId, sourceId, key } of batch.deletes) {
        if (!removeLive(state, sinkId, pointId)) continue;
        addHistory(state, { action: 'delete', sinkId, pointId, sourceId, key, runId, at });
      }
      for (const upsert of batch.upserts) {
        removeLive(state, sinkId, upsert.pointId);
        const point: LivePoint = { ...upsert, sinkId, runId, updatedAt: at };
        points.set(point.pointId, point);
        const hashKey = joinKey(sinkId, point.fingerprint, point.contentHash);
        const ids = state.byHash.get(hashKey) ?? new Set();
        state.byHash.set(hashKey, ids.add(point.pointId));
        const { pointId, sourceId, key, contentHash, fingerprint, model, tokens, costUsd } = point;
        addHistory(state, {
          action: 'upsert',
          sinkId,
          pointId,
          sourceId,
          key,
          contentHash,
          fingerprint,
          runId,
          at,
        });
        state.costs.push({ at: at.getTime(), model, sinkId, sourceId, runId, tokens, costUsd });
      }
      for (const failure of batch.failures) state.failures.push({ ...failure, runId, sinkId, at });
      for (const id of batch.settles ?? []) state.pending.delete(id);
    },

    async getCheckpoint(ref: CheckpointRef): Promise<Checkpoint | undefined> {
      assertOpen(state);
      const checkpoint = state.checkpoints.get(checkpointKey(ref));
      return checkpoint ? { ...checkpoint, updatedAt: new Date(checkpoint.updatedAt) } : undefined;
    },

    async setCheckpoint(checkpoint: Omit<Checkpoint, 'updatedAt'>): Promise<void> {
      assertOpen(state);
      const { sourceId, sinkId, fingerprint, version, runId } = checkpoint;
      state.checkpoints.set(checkpointKey(checkpoint), {
        sourceId,
        sinkId,
        fingerprint,
        version,
        runId,
        updatedAt: new Date(),
      });
    },
  };
}
