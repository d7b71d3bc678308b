import { LedgerError } from '../errors/errors.js';
import type { LedgerBatch, RunCounters } from '../spec/ledger-v1.js';

/** Counters of a run that has done nothing yet. */
export function zeroCounters(): RunCounters {
  return {
    rowsProcessed: 0,
    rowsDeduped: 0,
    rowsEmbedded: 0,
    rowsReused: 0,
    rowsSkipped: 0,
    rowsFailed: 0,
    rowsDeleted: 0,
    tokens: 0,
    costUsd: 0,
  };
}

/**
 * Checks a batch before a ledger writes any of it, so a bad batch changes nothing.
 * Shared by every ledger implementation, so they refuse the same batches with the same words.
 */
export function validateLedgerBatch(batch: LedgerBatch): void {
  const fail = (what: string): never => {
    throw new LedgerError(`commitBatch() was given ${what}; nothing of the batch was committed.`);
  };
  if (typeof batch.runId !== 'string' || typeof batch.sinkId !== 'string')
    fail('no run id or sink id');
  if (!(batch.at instanceof Date) || Number.isNaN(batch.at.getTime())) fail('no valid `at` date');
  for (const upsert of batch.upserts) {
    for (const field of [
      'pointId',
      'sourceId',
      'key',
      'contentHash',
      'fingerprint',
      'model',
    ] as const) {
      if (typeof upsert[field] !== 'string') fail(`an upsert whose ${field} is not a string`);
    }
    for (const field of ['tokens', 'costUsd'] as const) {
      const value = upsert[field];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        fail(`an upsert whose ${field} is not a non-negative number`);
      }
    }
  }
  for (const remove of batch.deletes) {
    for (const field of ['pointId', 'sourceId', 'key'] as const) {
      if (typeof remove[field] !== 'string') fail(`a delete whose ${field} is not a string`);
    }
  }
  for (const failure of batch.failures) {
    for (const field of ['pointId', 'sourceId', 'key', 'code', 'reason'] as const) {
      if (typeof failure[field] !== 'string') fail(`a failure whose ${field} is not a string`);
    }
  }
  if (batch.settles !== undefined && !batch.settles.every((id) => Number.isSafeInteger(id)))
    fail('a pending write id (`settles`) that is not an integer');
}
