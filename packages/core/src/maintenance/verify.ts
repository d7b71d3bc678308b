import type { ChunkSpec } from '../chunking/chunk-spec.js';
import { scanItems } from '../engine/engine-reader.js';
import { throwIfAborted } from '../engine/engine-retry.js';
import { batchSizeOf, keyColumnsOf } from '../engine/engine-settings.js';
import { assertColumns } from '../engine/engine-validate.js';
import { InvalidInputError } from '../errors/errors.js';
import { guardLedger, guardSink, guardSource } from '../guards/index.js';
import type { Ledger } from '../spec/ledger-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Source } from '../spec/source-v1.js';
import { verifyChunks } from './verify-chunks.js';
import {
  InLedger,
  InSink,
  InTable,
  LedgerSide,
  PointTable,
  SinkOtherModel,
  SinkSide,
  TableSide,
} from './verify-point-table.js';

/** The table, sink and ledger that `verify` holds against each other. */
export interface VerifyOptions {
  source: Source;
  /** The sink, not yet opened: `verify` opens it for `model` and `dimensions`. */
  sink: Sink;
  ledger: Ledger;
  textColumn: string;
  keyColumns?: string[];
  /** The embedder id the sink should hold, e.g. `openai/text-embedding-3-small`. */
  model: string;
  dimensions: number;
  /** Read the table as of this version; default the latest. */
  version?: number;
  /** Rows (and points) per batch read. Default 2000. */
  batchSize?: number;
  /**
   * The chunking the sink was embedded with (`RunOptions.chunking`): the table's rows are
   * chunked the same way and each chunk is compared with its point. Needs `countTokens`
   * (the embedder's), a ledger with `pointsOfKeys`, and makes `tableRows` count chunks.
   */
  chunking?: ChunkSpec;
  /** The embedder's `countTokens`, with `chunking`. */
  countTokens?: (text: string) => number;
  /** Point ids listed per kind in `examples`. Default 10. */
  examples?: number;
  signal?: AbortSignal;
}

/** The kinds of drift, named the same in the result, `--json` and the CLI. */
export const driftKinds = [
  'missing',
  'orphan',
  'stale',
  'otherModel',
  'ledgerWithoutPoint',
  'unrecorded',
] as const;
export type DriftKind = (typeof driftKinds)[number];

/** What `verify` found: counts of each kind of drift, and a few examples of each. */
export interface VerifyResult {
  sourceId: string;
  sinkId: string;
  model: string;
  /** The table version compared. */
  version: number | undefined;
  /** Keys of the table with a non-empty text. */
  tableRows: number;
  /** Live points the ledger records for this source in this sink. */
  ledgerRows: number;
  /** Points of this source in the sink (points of other sources are not compared). */
  sinkPoints: number;
  /**
   * Per kind, how many points: `missing` (a row with text, no point), `orphan` (a point
   * whose row is gone or has no text), `stale` (the point's content hash is not the row's),
   * `otherModel` (the point comes from another model), `ledgerWithoutPoint` (the ledger
   * records a point the sink does not hold, of a row that is gone), `unrecorded` (a point that matches its row
   * but that the ledger does not record as it is).
   */
  drift: Record<DriftKind, number>;
  /** Rows the table still holds that were erased on request: not missing (see `drift forget`). */
  forgotten: number;
  /** Whether every drift count is 0. */
  inStep: boolean;
  /** A few point ids per kind. */
  examples: Record<DriftKind, string[]>;
  durationS: number;
}

/** Every drifted point id per kind (what `repair` works from). */
export type DriftedPoints = Record<DriftKind, string[]>;

/**
 * Compares the table (its latest snapshot, or `version`), the ledger and the sink, reading
 * each once in bounded batches into a compact point table (see `PointTable`), and says
 * what drifted. Writes nothing.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  return (await compare(options, false)).result;
}

/** `verify`, also returning every drifted point id. */
export async function verifyWithPoints(
  options: VerifyOptions,
): Promise<{ result: VerifyResult; points: DriftedPoints }> {
  return compare(options, true);
}

async function compare(
  input: VerifyOptions,
  collect: boolean,
): Promise<{ result: VerifyResult; points: DriftedPoints }> {
  const started = performance.now();
  const source = guardSource(input.source);
  const sink = guardSink(input.sink);
  const ledger = guardLedger(input.ledger);
  if (typeof ledger.livePoints !== 'function')
    throw new InvalidInputError(
      'This ledger cannot list its live points (livePoints), so it cannot be verified; use the SQLite ledger of @drift-spark/ledger.',
    );
  const signal = input.signal;
  throwIfAborted(signal);
  const description = await source.describe(signal ? { signal } : {});
  const version = input.version ?? description.latestVersion;
  const keyColumns = keyColumnsOf(input.keyColumns);
  assertColumns(description, {
    textColumn: input.textColumn,
    keyColumns,
    metadataColumns: undefined,
  });
  const batchSize = batchSizeOf(input.batchSize, 2000);
  await sink.open({
    dimensions: input.dimensions,
    distance: 'cosine',
    model: input.model,
    ...(signal ? { signal } : {}),
  });
  const table = new PointTable();
  /** A chunk's row id, whose erasure (`forget`) means the chunk is forgotten, not missing. */
  const erasureIds = new Map<string, string>();
  const counts = { tableRows: 0, ledgerRows: 0, sinkPoints: 0 };

  const readTable = async () => {
    const items = scanItems(
      {
        ...verifyChunks(input, source.id, sink.id, ledger),
        source,
        sourceId: source.id,
        keyColumns,
        textColumn: input.textColumn,
        columns: [...new Set([...keyColumns, input.textColumn])],
        batchSize,
        ...(signal ? { signal } : {}),
      },
      version,
    );
    for await (const batch of items)
      for (const item of batch) {
        if (item.hash === null) continue;
        counts.tableRows++;
        table.add(item.pointId, TableSide, item.hash, InTable);
        if (item.erasureId) erasureIds.set(item.pointId, item.erasureId);
      }
  };
  const readLedger = async () => {
    let after: string | undefined;
    for (;;) {
      throwIfAborted(signal);
      const page = await ledger.livePoints!({
        sinkId: sink.id,
        sourceId: source.id,
        limit: batchSize,
        ...(after === undefined ? {} : { afterPointId: after }),
      });
      for (const point of page) table.add(point.pointId, LedgerSide, point.contentHash, InLedger);
      counts.ledgerRows += page.length;
      if (page.length < batchSize) return;
      after = page[page.length - 1]!.pointId;
    }
  };
  const readSink = async () => {
    for await (const batch of sink.scan({ batchSize, ...(signal ? { signal } : {}) })) {
      for (const point of batch) {
        if (point.payload.source !== source.id) continue;
        counts.sinkPoints++;
        const other = point.payload.model === input.model ? 0 : SinkOtherModel;
        table.add(point.id, SinkSide, String(point.payload.content_hash ?? ''), InSink | other);
      }
    }
  };
  // The three reads overlap: while one waits for I/O, another hashes or files its batch.
  await Promise.all([readTable(), readLedger(), readSink()]);

  const points = emptyDrift();
  const drift = Object.fromEntries(driftKinds.map((kind) => [kind, 0])) as Record<
    DriftKind,
    number
  >;
  const examples = emptyDrift();
  const limit = input.examples ?? 10;
  const note = (kind: DriftKind, id: string) => {
    drift[kind]++;
    if (collect) points[kind].push(id);
    if (examples[kind].length < limit) examples[kind].push(id);
  };
  const missing: string[] = [];
  for (const { id, flags, same } of table.entries()) {
    const inTable = (flags & InTable) !== 0;
    const inLedger = (flags & InLedger) !== 0;
    const inSink = (flags & InSink) !== 0;
    // One kind per point: a row whose point is gone is missing, whatever the ledger says.
    if (inTable && !inSink) missing.push(id);
    else if (inLedger && !inSink) note('ledgerWithoutPoint', id);
    else if (!inTable && inSink) note('orphan', id);
    else if (inTable && inSink) {
      if ((flags & SinkOtherModel) !== 0) note('otherModel', id);
      else if (!same(TableSide, SinkSide)) note('stale', id);
      else if (!inLedger || !same(LedgerSide, SinkSide)) note('unrecorded', id);
    }
  }
  // A row erased on request and still in the table is not missing: the request wins.
  let forgotten = 0;
  const erased = ledger.erasedPoints?.bind(ledger);
  for (let start = 0; start < missing.length; start += 1000) {
    const slice = missing.slice(start, start + 1000);
    const rowIds = slice.map((id) => erasureIds.get(id) ?? id);
    const gone = erased ? await erased([...new Set([...slice, ...rowIds])]) : new Set<string>();
    for (const [index, id] of slice.entries()) {
      if (gone.has(id) || gone.has(rowIds[index]!)) forgotten++;
      else note('missing', id);
    }
  }
  const result: VerifyResult = {
    sourceId: source.id,
    sinkId: sink.id,
    model: input.model,
    version,
    ...counts,
    drift,
    forgotten,
    inStep: driftKinds.every((kind) => drift[kind] === 0),
    examples,
    durationS: (performance.now() - started) / 1000,
  };
  return { result, points };
}

function emptyDrift(): DriftedPoints {
  return Object.fromEntries(driftKinds.map((kind) => [kind, [] as string[]])) as DriftedPoints;
}
