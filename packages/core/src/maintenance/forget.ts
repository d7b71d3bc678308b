import { createHash, randomUUID } from 'node:crypto';
import { InvalidInputError, SinkError } from '../errors/errors.js';
import { guardLedger } from '../guards/index.js';
import { pointId } from '../identity/point-id.js';
import { type ErasingLedger, hasErasure } from '../ledger-support/ledger-capabilities.js';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { ErasureReceipt, ErasureSinkProof } from '../spec/ledger-maintenance-v1.js';
import type { Ledger } from '../spec/ledger-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import { erasureTargets } from './forget-targets.js';

/** What `forget` erases: rows of one source by key, from every sink the ledger knows for it. */
export interface ForgetOptions {
  ledger: Ledger;
  /** The source the rows belong to (a Delta table's id). */
  sourceId: string;
  /** Canonical keys of the rows to erase (see `encodeKey`). */
  keys: string[];
  /**
   * Opens a sink by the id the ledger recorded, ready to delete and retrieve (the CLI
   * resolves the URI, with credentials from the environment). The caller closes it.
   */
  openSink: (sinkId: string) => Promise<Sink>;
  /** A request reference kept with the receipts (never the text). */
  reason?: string;
  /** Ids per sink call. Default 500. */
  batchSize?: number;
  signal?: AbortSignal;
}

/** What `forget` erased, and the receipt that proves it. */
export interface ForgetResult {
  /** One receipt per key, as saved in the ledger. */
  receipts: ErasureReceipt[];
  /** Every sink the ledger knows for the source, each purged. */
  sinks: string[];
  /** The `forget` run of each sink. */
  runIds: string[];
  /** Live points deleted, summed over the sinks. */
  pointsDeleted: number;
}

/** Hex SHA-256 of source id + NUL + canonical key: how a receipt names a key without holding it. */
export function keyDigest(sourceId: string, key: string): string {
  return createHash('sha256').update(`${sourceId}\u0000${key}`).digest('hex');
}

/**
 * Erases rows on request (a GDPR erasure): in every sink the ledger knows for the source,
 * deletes their points and checks with a retrieve that the sink no longer returns them,
 * then removes them from the ledger's live points and blanks the content hashes of their
 * history (`recordErasure`), each sink under its own `forget` run (which takes the lock,
 * so no embed writes them back meanwhile). Then saves one receipt per key. A later embed
 * skips these rows unless it is asked to include forgotten rows. Idempotent: run it again
 * after a failure, and until then every engine run on that (source, sink) refuses to
 * write (`engine-unfinished-forget.ts`): the sink may already lack the rows the ledger
 * still holds, and a run would embed them again.
 */
export async function forget(options: ForgetOptions): Promise<ForgetResult> {
  const ledger = guardLedger(options.ledger);
  if (!hasErasure(ledger))
    throw new InvalidInputError(
      'This ledger cannot erase (recordErasure, erasedPoints, sinksOfSource, saveErasureReceipt); use the SQLite ledger of @drift-spark/ledger.',
    );
  const keys = [...new Set(options.keys)];
  if (keys.length === 0) throw new InvalidInputError('Name at least one key to forget.');
  const sinks = await ledger.sinksOfSource(options.sourceId);
  if (sinks.length === 0)
    throw new InvalidInputError(
      `The ledger knows no sink for the source ${options.sourceId}: nothing was embedded from it (check --table and --ledger).`,
    );
  // A key's receipt holds the proofs of all its points (a chunked row has one per chunk).
  const proofs = new Map<string, ErasureSinkProof[]>(keys.map((key) => [key, []]));
  const runIds: string[] = [];
  let pointsDeleted = 0;
  for (const sinkId of sinks) {
    const runId = randomUUID();
    runIds.push(runId);
    const { deleted, sinkProofs } = await forgetInSink(ledger, options, sinkId, keys, runId);
    pointsDeleted += deleted;
    for (const { key, proof } of sinkProofs) proofs.get(key)!.push(proof);
  }
  const at = new Date();
  const receipts = keys.map(
    (key): ErasureReceipt => ({
      keyDigest: keyDigest(options.sourceId, key),
      sourceId: options.sourceId,
      pointId: pointId(options.sourceId, key),
      sinks: proofs.get(key)!,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      at,
    }),
  );
  for (const receipt of receipts) await ledger.saveErasureReceipt(receipt);
  return { receipts, sinks, runIds, pointsDeleted };
}

async function forgetInSink(
  ledger: ErasingLedger,
  options: ForgetOptions,
  sinkId: string,
  keys: string[],
  runId: string,
): Promise<{ deleted: number; sinkProofs: { key: string; proof: ErasureSinkProof }[] }> {
  const recorded = (await ledger.recentRuns({ sinkId, limit: 1 }))[0];
  await ledger.startRun({
    runId,
    kind: 'forget',
    sourceId: options.sourceId,
    sinkId,
    model: recorded?.model ?? 'none',
    fingerprint: recorded?.fingerprint ?? 'none',
    usdPerMillionTokens: 0,
    priceSource: 'forget',
    options: { keys: keys.length },
    startedAt: new Date(),
  });
  const counters = zeroCounters();
  try {
    const sink = await options.openSink(sinkId);
    const call = options.signal ? { signal: options.signal } : {};
    const size = Math.max(1, options.batchSize ?? 500);
    const targets = await erasureTargets(ledger, options.sourceId, sinkId, keys, size);
    const live = new Set<string>();
    const sinkProofs: { key: string; proof: ErasureSinkProof }[] = [];
    for (let start = 0; start < targets.length; start += size) {
      const batch = targets.slice(start, start + size);
      const slice = batch.map((target) => target.pointId);
      for (const id of (await ledger.getPoints(sinkId, slice)).keys()) live.add(id);
      await sink.delete(slice, call);
      // The proof: the sink, asked for the ids after the delete, returns none of them.
      const left = await sink.retrieve(slice, call);
      if (left.length > 0)
        throw new SinkError(
          `The sink ${sinkId} still returns ${left.length} point(s) after deleting them; nothing was recorded as erased there. Run drift forget again.`,
        );
      const checkedAt = new Date();
      for (const { key, pointId: id } of batch)
        sinkProofs.push({
          key,
          proof: {
            sinkId,
            pointId: id,
            runId,
            wasLive: live.has(id),
            retrievedAfterDelete: 0,
            checkedAt,
          },
        });
    }
    await ledger.recordErasure(
      targets.map(({ key, pointId: id }) => ({
        sinkId,
        pointId: id,
        sourceId: options.sourceId,
        key,
        runId,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      })),
    );
    counters.rowsProcessed = keys.length;
    counters.rowsDeleted = live.size;
    await ledger.finishRun(runId, { status: 'succeeded', counters, finishedAt: new Date() });
    return { deleted: live.size, sinkProofs };
  } catch (error) {
    await ledger.finishRun(runId, {
      status: 'failed',
      counters,
      finishedAt: new Date(),
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
