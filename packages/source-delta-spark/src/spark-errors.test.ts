import { SparkConnectError } from '@drift-spark/spark-connect';
import { describe, expect, it } from 'vitest';
import { toSourceError } from './spark-errors.js';

const sparkFailure = (errorClass: string, message = 'spark said so') =>
  new SparkConnectError('spark-connect/spark', message, { errorClass });

describe('toSourceError', () => {
  it.each([
    ['TABLE_OR_VIEW_NOT_FOUND', 'table-not-found'],
    ['PATH_NOT_FOUND', 'table-not-found'],
    ['DELTA_MISSING_DELTA_TABLE', 'not-a-delta-table'],
    ['DELTA_TABLE_ONLY_OPERATION', 'not-a-delta-table'],
    ['DELTA_MISSING_CHANGE_DATA', 'cdf-not-enabled'],
    ['DELTA_VERSION_NOT_FOUND', 'version-out-of-range'],
    ['DELTA_CDC_START_VERSION_AFTER_LATEST', 'version-out-of-range'],
    ['UNRESOLVED_COLUMN.WITH_SUGGESTION', 'column-not-found'],
    ['DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE', 'schema-changed'],
    ['DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA', 'schema-changed'],
    ['DIVIDE_BY_ZERO', 'spark-query-failed'],
  ])('maps Spark error class %s to reason %s, naming the table', (errorClass, reason) => {
    const error = toSourceError(sparkFailure(errorClass), 'main.s.t') as {
      code: string;
      reason: string;
      message: string;
      cause: unknown;
    };
    expect(error.code).toBe('source');
    expect(error.reason).toBe(reason);
    expect(error.message).toContain('main.s.t');
    expect(error.message).toContain('spark said so');
    expect(SparkConnectError.isInstance(error.cause)).toBe(true);
  });

  it('keeps an unreachable server retryable and a refused token not', () => {
    const unavailable = toSourceError(
      new SparkConnectError('spark-connect/unavailable', 'down', { isRetryable: true }),
      't',
    ) as { reason: string; isRetryable: boolean };
    expect(unavailable).toMatchObject({ reason: 'spark-unavailable', isRetryable: true });
    const refused = toSourceError(
      new SparkConnectError('spark-connect/unauthenticated', 'bad token'),
      't',
    );
    expect(refused).toMatchObject({ reason: 'spark-unauthenticated', isRetryable: false });
  });

  it('turns an abort into core aborted error', () => {
    expect(
      toSourceError(new SparkConnectError('spark-connect/aborted', 'stop'), 't'),
    ).toMatchObject({ code: 'aborted' });
  });

  it('passes other errors through', () => {
    const other = new Error('x');
    expect(toSourceError(other, 't')).toBe(other);
  });
});
