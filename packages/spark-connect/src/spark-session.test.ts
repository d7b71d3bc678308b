import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  AnalyzePlanResponseSchema,
  type FetchErrorDetailsRequest,
  FetchErrorDetailsResponseSchema,
} from './gen/spark/connect/base_pb.js';
import { createSparkConnectClient } from './spark-connect-client.js';
import { SparkConnectError } from './spark-connect-error.js';
import { mockClient, mockServer } from './testing/mock-client.js';
import {
  releaseExecute,
  sparkError,
  startMockServer,
} from './testing/mock-spark-connect-server.js';
import { sparkFailure } from './testing/spark-failure.js';

describe('the session: error mapping, credentials and a lost session', () => {
  it('maps a Spark error to its error class and SQL state, with the full message from FetchErrorDetails', async () => {
    const server = await mockServer({
      ExecutePlan: () => {
        throw sparkError(
          grpc.status.INTERNAL,
          '[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot… (truncated)',
          {
            errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
            sqlState: '42P01',
            errorId: 'e-1',
            messageParameters: '{"relationName":"`t`"}',
          },
        );
      },
      FetchErrorDetails: (request) =>
        create(FetchErrorDetailsResponseSchema, {
          rootErrorIdx: 0,
          errors: [
            {
              message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found.',
              errorTypeHierarchy: ['org.apache.spark.sql.AnalysisException'],
              sparkThrowable: {
                errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
                sqlState: '42P01',
                messageParameters: { relationName: '`t`' },
              },
              causeIdx: 1,
            },
            { message: `root cause for ${request.errorId}` },
          ],
        }),
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({ remote: server.remote });
    const error = await sparkFailure(client.sql('SELECT * FROM t').collect());
    expect(error.code).toBe('spark-connect/spark');
    expect(error.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(error.sqlState).toBe('42P01');
    expect(error.messageParameters).toEqual({ relationName: '`t`' });
    expect(error.grpcCode).toBe(grpc.status.INTERNAL);
    expect(error.message).toContain('The table or view `t` cannot be found.');
    expect(error.message).toContain('root cause for e-1');
    expect(error.isRetryable).toBe(false);
    expect(SparkConnectError.hasErrorClass(error, 'TABLE_OR_VIEW_NOT_FOUND')).toBe(true);
    // The same marker as @drift-spark/core's DriftError, so the engine can read code/isRetryable.
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('drift-spark.error')]).toBe(
      true,
    );
    expect(server.requests<FetchErrorDetailsRequest>('FetchErrorDetails')[0]?.errorId).toBe('e-1');
  });

  it('falls back to the trailer when FetchErrorDetails is not implemented (Spark 3.5)', async () => {
    const server = await mockServer({
      AnalyzePlan: () => {
        throw sparkError(
          grpc.status.INTERNAL,
          '[DELTA_MISSING_CHANGE_DATA] Error getting change data',
          { errorClass: 'DELTA_MISSING_CHANGE_DATA', sqlState: 'KD002', errorId: 'e-2' },
        );
      },
    });
    const client = mockClient({ remote: server.remote });
    const error = await sparkFailure(client.schema('SELECT 1'));
    expect(error).toMatchObject({
      code: 'spark-connect/spark',
      errorClass: 'DELTA_MISSING_CHANGE_DATA',
      sqlState: 'KD002',
    });
    expect(error.message).toContain('Error getting change data');
  });

  it('reports a refused token as unauthenticated, without the token in the message', async () => {
    const server = await mockServer({
      AnalyzePlan: (_request, metadata) => {
        if (metadata.get('authorization')[0] !== 'Bearer right')
          throw { code: grpc.status.UNAUTHENTICATED, details: 'Invalid authentication token' };
        return create(AnalyzePlanResponseSchema, {
          result: { case: 'sparkVersion', value: { version: '4.1.2' } },
        });
      },
    });
    const client = mockClient({
      remote: `${server.remote}/;token=wrong-token;use_ssl=false`,
    });
    const error = await sparkFailure(client.sparkVersion());
    expect(error.code).toBe('spark-connect/unauthenticated');
    expect(error.message).toContain('Invalid authentication token');
    expect(error.message).toContain('token');
    expect(error.message).not.toContain('wrong-token');
    const good = createSparkConnectClient({ remote: server.remote, token: 'right', headers: {} });
    // An explicit token without use_ssl would mean TLS: keep plaintext for the local mock.
    const plain = createSparkConnectClient({
      remote: `${server.remote}/;use_ssl=false`,
      token: 'right',
    });
    await expect(plain.sparkVersion()).resolves.toBe('4.1.2');
    await plain.close();
    await good.close();
  });

  it('reports an unreachable server as unavailable and retryable, naming the address', async () => {
    const probe = await startMockServer({});
    const port = probe.port;
    await probe.close();
    const client = mockClient({ remote: `sc://127.0.0.1:${port}` });
    const error = await sparkFailure(client.sparkVersion());
    expect(error.code).toBe('spark-connect/unavailable');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('starts a new session after the server lost it', async () => {
    const sessions: string[] = [];
    const server = await mockServer({
      AnalyzePlan: (request) => {
        sessions.push(request.sessionId);
        if (sessions.length === 1)
          throw sparkError(grpc.status.INTERNAL, 'session changed', {
            errorClass: 'INVALID_HANDLE.SESSION_CHANGED',
          });
        return create(AnalyzePlanResponseSchema, {
          result: { case: 'sparkVersion', value: { version: '4.1.2' } },
        });
      },
    });
    const client = mockClient({ remote: server.remote });
    const error = await sparkFailure(client.sparkVersion());
    expect(error).toMatchObject({ code: 'spark-connect/session-lost', isRetryable: true });
    await expect(client.sparkVersion()).resolves.toBe('4.1.2');
    expect(sessions[1]).not.toBe(sessions[0]);
  });
});
