import type { RecordBatch } from 'apache-arrow';
import { type ArrowRow, batchToRows, decodeArrowPayload } from './arrow-batches.js';
import { type SparkField, structFields } from './data-type.js';
import type { Relation } from './gen/spark/connect/relations_pb.js';
import { runPlan } from './plan-runner.js';
import type { SparkCallOptions, SparkQueryResult } from './spark-connect-client.js';
import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';
import type { SparkSession } from './spark-session.js';
import { rootPlan, sqlCommandPlan, sqlRelation } from './sql-plans.js';

/** The lazy result of a query: each iteration runs it and decodes its Arrow batches. */
export function queryResult(
  session: SparkSession,
  query: string,
  callOptions: SparkCallOptions = {},
): SparkQueryResult {
  let fields: SparkField[] | undefined;
  let bytesReceived = 0;
  async function* batches(): AsyncGenerator<RecordBatch> {
    const plan = rootPlan(sqlRelation(query));
    for await (const response of runPlan(
      session,
      plan,
      'running a SQL query',
      callOptions.signal,
    )) {
      if (response.schema && fields === undefined) fields = structFields(response.schema);
      if (response.responseType.case !== 'arrowBatch') continue;
      const data = response.responseType.value.data;
      bytesReceived += data.byteLength;
      session.stats.arrowBytesReceived += data.byteLength;
      for (const batch of decodePayload(data)) {
        if (batch.numRows > 0) yield batch;
      }
    }
  }
  async function* rows(): AsyncGenerator<ArrowRow[]> {
    for await (const batch of batches()) yield batchToRows(batch);
  }
  return {
    [Symbol.asyncIterator]: () => batches(),
    batches,
    rows,
    async collect() {
      const all: ArrowRow[] = [];
      for await (const page of rows()) for (const row of page) all.push(row);
      return all;
    },
    get fields() {
      return fields;
    },
    get bytesReceived() {
      return bytesReceived;
    },
  };
}

/** Runs a statement as a SqlCommand and returns its output rows, wherever the server puts them. */
export async function executeStatement(
  session: SparkSession,
  statement: string,
  callOptions: SparkCallOptions = {},
): Promise<ArrowRow[]> {
  const rows: ArrowRow[] = [];
  let next: Relation | undefined;
  for await (const response of runPlan(
    session,
    sqlCommandPlan(statement),
    'running a SQL statement',
    callOptions.signal,
  )) {
    const result = response.responseType;
    if (result.case === 'sqlCommandResult') next = result.value.relation;
    else if (result.case === 'arrowBatch')
      for (const batch of decodePayload(result.value.data)) rows.push(...batchToRows(batch));
  }
  if (next?.relType.case === 'localRelation') {
    const data = next.relType.value.data;
    if (data !== undefined && data.byteLength > 0)
      for (const batch of decodePayload(data)) rows.push(...batchToRows(batch));
  } else if (next?.relType.case !== undefined) {
    // A query: the server hands back the relation to run for its rows.
    for await (const response of runPlan(
      session,
      rootPlan(next),
      'reading a SQL statement result',
      callOptions.signal,
    )) {
      if (response.responseType.case === 'arrowBatch')
        for (const batch of decodePayload(response.responseType.value.data))
          rows.push(...batchToRows(batch));
    }
  }
  return rows;
}

function decodePayload(data: Uint8Array): RecordBatch[] {
  try {
    return decodeArrowPayload(data);
  } catch (error) {
    throw new SparkConnectError(
      SparkConnectErrorCode.Rpc,
      `Could not decode an Arrow batch from Spark Connect: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
