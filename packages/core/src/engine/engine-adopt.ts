import { randomUUID } from 'node:crypto';
import { chunkPointId, pointId } from '../identity/point-id.js';
import type { LedgerBatch } from '../spec/ledger-v1.js';
import type { StoredPoint } from '../spec/sink-v1.js';
import { execute } from './engine-execute.js';
import { guardPlugins, newRunState, openSink, prepareRun } from './engine-start.js';
import type { RunOptions } from './engine-types.js';

export interface AdoptResult {
  runId: string;
  /** Points read from the sink. */
  scanned: number;
  /** Points recorded as live in the ledger from their payload. */
  adopted: number;
  /** Points the ledger already knew. */
  known: number;
  /** Points left alone: another model, or an id that is not their source and key's. */
  foreign: number;
}

/** Points read and recorded per ledger transaction. */
const adoptBatch = 1000;

/**
 * Rebuilds the ledger's live rows of a sink from the points it holds (a ledger lost
 * with an ephemeral runner): each point of the embedder's model whose id is its
 * payload's `source` + `key` point id is recorded with its `content_hash`, at no cost.
 * The next `embed` then skips unchanged rows instead of paying for them again. Recorded
 * as a run (kind `embed`, option `adoptedFromSink`) holding the usual lock.
 */
export async function adoptSink(input: RunOptions): Promise<AdoptResult> {
  const options = guardPlugins(input);
  const { settings } = await prepareRun(options);
  await openSink(options);
  const state = newRunState('embed', options.runId ?? randomUUID(), options, settings, undefined);
  const counts = { scanned: 0, adopted: 0, known: 0, foreign: 0 };
  await execute(
    state,
    { fromVersion: undefined, toVersion: undefined, recovered: 'adopted-sink' },
    async () => {
      for await (const points of state.sink.scan({ batchSize: adoptBatch, signal: state.signal })) {
        counts.scanned += points.length;
        const ours = points.filter((point) => adoptable(point, state.model));
        counts.foreign += points.length - ours.length;
        const known = await state.ledger.getPoints(
          state.sinkId,
          ours.map((point) => point.id),
        );
        const upserts: LedgerBatch['upserts'] = ours
          .filter((point) => !known.has(point.id))
          .map((point) => ({
            pointId: point.id,
            sourceId: point.payload.source,
            key: point.payload.key,
            contentHash: point.payload.content_hash,
            fingerprint: state.fingerprint,
            model: state.model,
            tokens: 0,
            costUsd: 0,
          }));
        counts.known += known.size;
        counts.adopted += upserts.length;
        if (upserts.length === 0) continue;
        await state.ledger.commitBatch({
          runId: state.runId,
          sinkId: state.sinkId,
          upserts,
          deletes: [],
          failures: [],
          at: new Date(),
        });
        state.counters.rowsProcessed += upserts.length;
        state.counters.rowsDeduped += upserts.length;
      }
    },
  );
  if (state.stopped) throw state.stopError;
  return { runId: state.runId, ...counts };
}

function adoptable(point: StoredPoint, model: string): boolean {
  const { payload } = point;
  return (
    payload.model === model &&
    typeof payload.content_hash === 'string' &&
    payload.content_hash !== '' &&
    (point.id === pointId(payload.source, payload.key) || isChunkPointOf(point))
  );
}

/** A chunk's point (`chunking`): its id is the one its key and `metadata.chunk_index` give. */
function isChunkPointOf({ id, payload }: StoredPoint): boolean {
  const index = payload.metadata?.chunk_index;
  return (
    typeof index === 'number' &&
    Number.isInteger(index) &&
    id === chunkPointId(payload.source, payload.key, index)
  );
}
