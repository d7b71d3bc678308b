import { type DriftEvent, redactUri } from '@drift-spark/core';

/** The --json object of a run that was recorded and then stopped by an error or a signal. */
export function stoppedResultObject(
  kind: 'embed' | 'watch',
  started: Extract<DriftEvent, { type: 'run-start' }> | undefined,
  ended: Extract<DriftEvent, { type: 'run-end' }>,
  described: { message: string; code: string },
): Record<string, unknown> {
  const object: Record<string, unknown> = {
    runId: ended.runId,
    status: ended.status,
    ...ended.counters,
    durationS: ended.durationS,
  };
  if (kind === 'watch') {
    object.sinceVersion = started?.fromVersion ?? null;
    object.toVersion = started?.toVersion ?? null;
    object.inserted = ended.changes?.inserted ?? 0;
    object.updated = ended.changes?.updated ?? 0;
    object.deleted = ended.changes?.deleted ?? 0;
  }
  if (started) {
    object.model = started.model;
    object.sink = redactUri(started.sinkId);
    object.source = started.sourceId;
  }
  object.error = { code: described.code, message: described.message };
  return object;
}
