import { pointId } from '@drift-spark/core';
import { createSqliteLedger } from '@drift-spark/ledger';
import { createPgvectorSinkFromUri } from '@drift-spark/sink-pgvector';
import { expect } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { type DriftRun, embeddable, parseJson, sha256, type TicketRow } from './cli-harness.js';
import { readLancedbTable } from './cli-lancedb.js';

/** What the sink must hold: one point per live row with text, keyed by point id, with that text's hash. */
export function expectedPoints(
  sourceId: string,
  rows: Iterable<TicketRow>,
): Map<string, { key: string; contentHash: string; content: string }> {
  const points = new Map<string, { key: string; contentHash: string; content: string }>();
  for (const row of rows) {
    const text = embeddable(row.body);
    if (text === null) continue;
    points.set(pointId(sourceId, String(row.id)), {
      key: String(row.id),
      contentHash: sha256(text),
      content: text,
    });
  }
  return points;
}

/**
 * Every point of a pgvector/PGlite sink, read through the sink package, or of a LanceDB
 * table, read with plain LanceDB code (the CLI is not running).
 */
export async function readSink(
  uri: string,
  model: string,
  dimensions: number,
): Promise<Map<string, { key: string; contentHash: string; content: string | null }>> {
  if (/^lancedb:\/\//i.test(uri)) return readLancedbTable(uri);
  const sink = createPgvectorSinkFromUri(uri);
  try {
    await sink.open({ dimensions, distance: 'cosine', model });
    const points = new Map<string, { key: string; contentHash: string; content: string | null }>();
    for await (const batch of sink.scan({ batchSize: 500 })) {
      for (const point of batch) {
        if (points.has(point.id)) throw new Error(`the sink returned point ${point.id} twice`);
        points.set(point.id, {
          key: point.payload.key,
          contentHash: point.payload.content_hash,
          content: point.payload.content,
        });
      }
    }
    return points;
  } finally {
    await sink.close();
  }
}

export async function ledgerPointCount(path: string, sinkId: string): Promise<number> {
  const ledger = createSqliteLedger({ path });
  try {
    return await ledger.countPoints(sinkId);
  } finally {
    await ledger.close();
  }
}

/**
 * The sink (a URI readSink reads, or a sink under test) holds exactly the expected points: the same ids, each with its key, hash and
 * text (`compare: 'hash'`: only its hash). `label` names the round in a failure.
 */
export async function expectSinkEqualsTable(
  sink: string | { read(): Promise<Map<string, { contentHash: string }>> },
  expected: ReturnType<typeof expectedPoints>,
  label: string,
  compare: 'point' | 'hash' = 'point',
): Promise<void> {
  const actual =
    typeof sink === 'string' ? await readSink(sink, model, dimensions) : await sink.read();
  expect(new Set(actual.keys()), `${label}: point ids`).toEqual(new Set(expected.keys()));
  for (const [id, point] of expected) {
    const message = `${label}: point of key ${point.key}`;
    if (compare === 'hash') expect(actual.get(id)?.contentHash, message).toBe(point.contentHash);
    else expect(actual.get(id), message).toEqual(point);
  }
}

/**
 * The run that follows kills: exit 0, succeeded at the table's version with no failed row,
 * and the sink and the ledger hold one point per live row with text. `log` says what came
 * before (kills, seed), for a failure. Returns the run's --json object.
 */
export async function expectConverged(
  run: DriftRun,
  table: { version: number; rows: Map<number, TicketRow> },
  sink: Parameters<typeof expectSinkEqualsTable>[0],
  ledger: string,
  log: string,
): Promise<Record<string, unknown>> {
  expect(run.code, `${log}\n${run.stderr}`).toBe(0);
  const result = parseJson(run);
  expect(result).toMatchObject({ status: 'succeeded', toVersion: table.version, rowsFailed: 0 });
  const expected = expectedPoints(String(result.source), table.rows.values());
  await expectSinkEqualsTable(sink, expected, log, 'hash');
  expect(await ledgerPointCount(ledger, String(result.sink)), `${log}\nledger count`).toBe(
    expected.size,
  );
  return result;
}
