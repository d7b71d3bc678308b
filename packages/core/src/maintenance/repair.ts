import { randomUUID } from 'node:crypto';
import { planEmbed } from '../engine/engine-plan.js';
import { embed } from '../engine/engine-run.js';
import { guardPlugins } from '../engine/engine-start.js';
import type { EmbedRunOptions, PlanResult, RunResult } from '../engine/engine-types.js';
import { assertNoUnfinishedForget } from '../engine/engine-unfinished-forget.js';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { Ledger, LedgerBatch, LivePoint } from '../spec/ledger-v1.js';
import { type DriftedPoints, type VerifyResult, verifyWithPoints } from './verify.js';

/** The options of `embed` for the table to repair against. */
export interface RepairOptions extends EmbedRunOptions {
  /** Say what would be done and what it would cost; change nothing. */
  dryRun?: boolean;
}

/** What repair does about the drift `verify` found. */
export interface RepairPlan {
  /** Points deleted from the sink: orphans and points of another model. */
  sinkDeletes: number;
  /** Ledger rows dropped, so the rows are written again or stay gone. */
  ledgerDrops: number;
  /** Points that match their row, recorded in the ledger from the sink's payload (no embedding). */
  adopted: number;
  /** What the re-embedding run would do (missing, stale and other-model rows; the rest is unchanged). */
  embed: PlanResult;
}

/** What `repair` found and what it wrote. */
export interface RepairResult {
  /** What verify found before the repair. */
  found: VerifyResult;
  plan: RepairPlan;
  dryRun: boolean;
  /** The run (kind `repair`) that deleted orphans and fixed the ledger; absent for a dry run. */
  repairRunId?: string;
  /** The embed run that wrote the missing and stale points; absent for a dry run. */
  embed?: RunResult;
}

const chunk = 500;

/**
 * Fixes what `verify` finds, through the normal engine (per chunk with `chunking`: the
 * chunks of each row are held against its points, and only missing or stale chunks paid): deletes orphan and other-model
 * points, drops the ledger rows of missing, stale, other-model and gone points (so the
 * embed run that follows writes them again, reusing vectors of the same text where the
 * sink has one, and pays for nothing else: every other row is unchanged), and records
 * points that match their row but that the ledger lost from the sink's payload, free.
 */
export async function repair(input: RepairOptions): Promise<RepairResult> {
  const options = guardPlugins(input);
  const { sink, ledger, embedder, source } = options;
  const { result: found, points } = await verifyWithPoints({
    source,
    sink,
    ledger,
    textColumn: options.textColumn,
    ...(options.keyColumns ? { keyColumns: options.keyColumns } : {}),
    model: embedder.id,
    dimensions: embedder.dimensions,
    // A chunked sink is compared chunk by chunk, cut as its runs cut them.
    ...(options.chunking
      ? { chunking: options.chunking, countTokens: (text: string) => embedder.countTokens(text) }
      : {}),
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const sinkDeletes = [...points.orphan, ...points.otherModel];
  const drops = await livePointsAmong(ledger, sink.id, droppedIds(points));
  const adopts = await adoptions(options, points.unrecorded);
  const embedPlan = await planEmbed({ ...options, ledger: overlay(ledger, drops, adopts) });
  const plan: RepairPlan = {
    sinkDeletes: sinkDeletes.length,
    ledgerDrops: drops.size,
    adopted: adopts.length,
    embed: embedPlan,
  };
  if (input.dryRun) return { found, plan, dryRun: true };

  // Before its own run: an unfinished forget's rows look missing here, and would be re-embedded.
  await assertNoUnfinishedForget(ledger, { sourceId: source.id, sinkId: sink.id });
  const repairRunId = randomUUID();
  await ledger.startRun({
    runId: repairRunId,
    kind: 'repair',
    sourceId: source.id,
    sinkId: sink.id,
    model: embedder.id,
    fingerprint: embedder.fingerprint,
    usdPerMillionTokens: embedder.price.usdPerMillionTokens,
    priceSource: embedder.price.source,
    startedAt: new Date(),
  });
  const counters = zeroCounters();
  try {
    const call = options.signal ? { signal: options.signal } : {};
    for (let start = 0; start < sinkDeletes.length; start += chunk)
      await sink.delete(sinkDeletes.slice(start, start + chunk), call);
    const batch: LedgerBatch = {
      runId: repairRunId,
      sinkId: sink.id,
      upserts: adopts,
      deletes: [...drops.values()].map((point) => ({
        pointId: point.pointId,
        sourceId: point.sourceId,
        key: point.key,
      })),
      failures: [],
      at: new Date(),
    };
    await ledger.commitBatch(batch);
    counters.rowsDeleted = sinkDeletes.length;
    counters.rowsProcessed = sinkDeletes.length + drops.size + adopts.length;
    await ledger.finishRun(repairRunId, { status: 'succeeded', counters, finishedAt: new Date() });
  } catch (error) {
    await ledger.finishRun(repairRunId, {
      status: 'failed',
      counters,
      finishedAt: new Date(),
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  const result = await embed(options);
  return { found, plan, dryRun: false, repairRunId, embed: result };
}

/** Points whose ledger row goes: written again (missing, stale, other model) or gone for good. */
function droppedIds(points: DriftedPoints): string[] {
  return [
    ...points.missing,
    ...points.stale,
    ...points.otherModel,
    ...points.orphan,
    ...points.ledgerWithoutPoint,
  ];
}

async function livePointsAmong(
  ledger: Ledger,
  sinkId: string,
  ids: string[],
): Promise<Map<string, LivePoint>> {
  const live = new Map<string, LivePoint>();
  for (let start = 0; start < ids.length; start += chunk)
    for (const [id, point] of await ledger.getPoints(sinkId, ids.slice(start, start + chunk)))
      live.set(id, point);
  return live;
}

/** Ledger rows for points that match their row, from the sink's payload: nothing is paid. */
async function adoptions(options: RepairOptions, ids: string[]): Promise<LedgerBatch['upserts']> {
  const adopts: LedgerBatch['upserts'] = [];
  for (let start = 0; start < ids.length; start += chunk) {
    const stored = await options.sink.retrieve(
      ids.slice(start, start + chunk),
      options.signal ? { signal: options.signal } : {},
    );
    for (const point of stored)
      adopts.push({
        pointId: point.id,
        sourceId: options.source.id,
        key: point.payload.key,
        contentHash: point.payload.content_hash,
        fingerprint: options.embedder.fingerprint,
        model: options.embedder.id,
        tokens: 0,
        costUsd: 0,
      });
  }
  return adopts;
}

/** The ledger as it will be after the repair's own fixes, for the dry run's plan. */
function overlay(
  ledger: Ledger,
  drops: Map<string, LivePoint>,
  adopts: LedgerBatch['upserts'],
): Ledger {
  const adopted = new Map(adopts.map((point) => [point.pointId, point]));
  return {
    ...ledger,
    specificationVersion: 'v1',
    async getPoints(sinkId, ids) {
      const found = await ledger.getPoints(sinkId, ids);
      for (const id of ids) {
        if (drops.has(id)) found.delete(id);
        const point = adopted.get(id);
        if (point) found.set(id, { ...point, sinkId, runId: 'repair', updatedAt: new Date() });
      }
      return found;
    },
    async findByContentHash(sinkId, fingerprint, hashes) {
      const found = await ledger.findByContentHash(sinkId, fingerprint, hashes);
      for (const [hash, point] of found) if (drops.has(point.pointId)) found.delete(hash);
      return found;
    },
  };
}
