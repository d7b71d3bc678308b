import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AnalyzePlanResponseSchema,
  ConfigResponseSchema,
  type ExecutePlanRequest,
  ExecutePlanResponseSchema,
  type FetchErrorDetailsRequest,
  FetchErrorDetailsResponseSchema,
  type InterruptRequest,
  InterruptRequest_InterruptType,
  InterruptResponseSchema,
  type ReattachExecuteRequest,
  type ReleaseExecuteRequest,
  ReleaseExecuteResponseSchema,
  ReleaseSessionResponseSchema,
} from './gen/spark/connect/base_pb.js';
import { createSparkConnectClient, type SparkConnectClient } from './spark-connect-client.js';
import { SparkConnectError } from './spark-connect-error.js';
import {
  arrowResponse,
  completeResponse,
  type MockServer,
  rowsTable,
  sparkError,
  startMockServer,
} from './testing/mock-spark-connect-server.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let server: MockServer | undefined;
let client: SparkConnectClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  delete process.env.SPARK_REMOTE;
});

const release = () => create(ReleaseExecuteResponseSchema, {});

async function caught(promise: Promise<unknown>): Promise<SparkConnectError> {
  try {
    await promise;
  } catch (error) {
    if (SparkConnectError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SparkConnectError');
}

describe('createSparkConnectClient against a mock server', () => {
  it('streams Arrow batches as rows and sends token, headers, user and session on every call', async () => {
    server = await startMockServer({
      ExecutePlan: (request, call) => {
        call.write(
          create(ExecutePlanResponseSchema, {
            operationId: request.operationId,
            responseId: 'r0',
            schema: {
              kind: {
                case: 'struct',
                value: {
                  fields: [
                    {
                      name: 'id',
                      dataType: { kind: { case: 'long', value: {} } },
                      nullable: false,
                    },
                  ],
                },
              },
            },
          }),
        );
        call.write(arrowResponse(rowsTable([1n, 2n], ['a', 'b']), 'r1'));
        call.write(arrowResponse(rowsTable([], []), 'r2'));
        call.write(arrowResponse(rowsTable([9007199254740993n], ['c']), 'r3'));
        call.write(completeResponse('r4'));
        call.end();
      },
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({
      remote: `${server.remote}/;token=s3cret;use_ssl=false;user_id=ann;x-databricks-cluster-id=c-1`,
      clientType: 'test',
    });
    const result = client.sql('SELECT id, text FROM t');
    const pages: unknown[] = [];
    for await (const rows of result.rows()) pages.push(rows);
    expect(pages).toEqual([
      [
        { id: 1n, text: 'a' },
        { id: 2n, text: 'b' },
      ],
      [{ id: 9007199254740993n, text: 'c' }],
    ]);
    expect(result.fields).toEqual([{ name: 'id', type: 'bigint', nullable: false }]);
    expect(result.bytesReceived).toBeGreaterThan(0);

    const [call] = server.calls;
    expect(call?.metadata.get('authorization')).toEqual(['Bearer s3cret']);
    expect(call?.metadata.get('x-databricks-cluster-id')).toEqual(['c-1']);
    const request = server.requests<ExecutePlanRequest>('ExecutePlan')[0]!;
    expect(request.sessionId).toMatch(uuid);
    expect(request.sessionId).toBe(client.sessionId);
    expect(request.userContext?.userId).toBe('ann');
    expect(request.clientType).toBe('test');
    expect(request.operationId).toMatch(uuid);
    expect(request.plan?.opType.case).toBe('root');
    expect(request.plan?.opType.value).toMatchObject({
      relType: { case: 'sql', value: { query: 'SELECT id, text FROM t' } },
    });
    expect(request.requestOptions[0]?.requestOption).toMatchObject({
      case: 'reattachOptions',
      value: { reattachable: true },
    });
    // The finished operation is released.
    const released = server.requests<ReleaseExecuteRequest>('ReleaseExecute');
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({
      operationId: request.operationId,
      release: { case: 'releaseAll' },
    });
  });

  it('reads SPARK_REMOTE at first use, not at construction', async () => {
    server = await startMockServer({
      AnalyzePlan: () =>
        create(AnalyzePlanResponseSchema, {
          result: { case: 'sparkVersion', value: { version: '4.1.2' } },
        }),
    });
    client = createSparkConnectClient();
    process.env.SPARK_REMOTE = server.remote;
    await expect(client.sparkVersion()).resolves.toBe('4.1.2');
  });

  it('says what to do when no address is given', async () => {
    client = createSparkConnectClient();
    const error = await caught(client.sparkVersion());
    expect(error.code).toBe('spark-connect/invalid-url');
    expect(error.message).toContain('SPARK_REMOTE');
  });

  it('resumes a cut stream with ReattachExecute after the last response, then releases it', async () => {
    server = await startMockServer({
      ExecutePlan: (request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1', request.operationId));
        call.write(arrowResponse(rowsTable([2n], ['b']), 'r2', request.operationId));
        call.end(); // cut without ResultComplete: more to come
      },
      ReattachExecute: (request, call) => {
        if (request.lastResponseId === 'r2') {
          call.write(arrowResponse(rowsTable([3n], ['c']), 'r3'));
          call.end(); // cut again
        } else {
          call.write(arrowResponse(rowsTable([4n], ['d']), 'r4'));
          call.write(completeResponse('r5'));
          call.end();
        }
      },
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({ remote: server.remote });
    const rows = await client.sql('SELECT 1').collect();
    expect(rows.map((row) => row.id)).toEqual([1n, 2n, 3n, 4n]);
    const operationId = server.requests<ExecutePlanRequest>('ExecutePlan')[0]!.operationId;
    const reattaches = server.requests<ReattachExecuteRequest>('ReattachExecute');
    expect(reattaches.map((request) => [request.operationId, request.lastResponseId])).toEqual([
      [operationId, 'r2'],
      [operationId, 'r3'],
    ]);
    expect(client.stats().reattaches).toBe(2);
    expect(server.requests<ReleaseExecuteRequest>('ReleaseExecute')[0]).toMatchObject({
      operationId,
      release: { case: 'releaseAll' },
    });
  });

  it('treats the end of a non-reattachable stream as the end of the result', async () => {
    server = await startMockServer({
      ExecutePlan: (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        call.end();
      },
    });
    client = createSparkConnectClient({ remote: server.remote, reattachable: false });
    expect(await client.sql('SELECT 1').collect()).toEqual([{ id: 1n, text: 'a' }]);
    expect(server.requests('ExecutePlan')[0]).toMatchObject({ requestOptions: [] });
    expect(server.requests('ReattachExecute')).toHaveLength(0);
    expect(server.requests('ReleaseExecute')).toHaveLength(0);
  });

  it('maps a Spark error to its error class and SQL state, with the full message from FetchErrorDetails', async () => {
    server = await startMockServer({
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
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({ remote: server.remote });
    const error = await caught(client.sql('SELECT * FROM t').collect());
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
    server = await startMockServer({
      AnalyzePlan: () => {
        throw sparkError(
          grpc.status.INTERNAL,
          '[DELTA_MISSING_CHANGE_DATA] Error getting change data',
          { errorClass: 'DELTA_MISSING_CHANGE_DATA', sqlState: 'KD002', errorId: 'e-2' },
        );
      },
    });
    client = createSparkConnectClient({ remote: server.remote });
    const error = await caught(client.schema('SELECT 1'));
    expect(error).toMatchObject({
      code: 'spark-connect/spark',
      errorClass: 'DELTA_MISSING_CHANGE_DATA',
      sqlState: 'KD002',
    });
    expect(error.message).toContain('Error getting change data');
  });

  it('reports a refused token as unauthenticated, without the token in the message', async () => {
    server = await startMockServer({
      AnalyzePlan: (_request, metadata) => {
        if (metadata.get('authorization')[0] !== 'Bearer right')
          throw { code: grpc.status.UNAUTHENTICATED, details: 'Invalid authentication token' };
        return create(AnalyzePlanResponseSchema, {
          result: { case: 'sparkVersion', value: { version: '4.1.2' } },
        });
      },
    });
    client = createSparkConnectClient({
      remote: `${server.remote}/;token=wrong-token;use_ssl=false`,
    });
    const error = await caught(client.sparkVersion());
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
    client = createSparkConnectClient({ remote: `sc://127.0.0.1:${port}` });
    const error = await caught(client.sparkVersion());
    expect(error.code).toBe('spark-connect/unavailable');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('cancels the stream and interrupts the operation when the signal aborts', async () => {
    let release_!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release_ = resolve;
    });
    server = await startMockServer({
      ExecutePlan: async (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        await stalled;
        call.end();
      },
      Interrupt: (request) =>
        create(InterruptResponseSchema, {
          interruptedIds: request.interrupt.case === 'operationId' ? [request.interrupt.value] : [],
        }),
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({ remote: server.remote });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const error = await caught(
      (async () => {
        for await (const rows of client!
          .sql('SELECT * FROM big', { signal: controller.signal })
          .rows()) {
          seen.push(...rows);
          controller.abort(new Error('user stopped'));
        }
      })(),
    );
    release_();
    expect(seen).toHaveLength(1);
    expect(error.code).toBe('spark-connect/aborted');
    const operationId = server.requests<ExecutePlanRequest>('ExecutePlan')[0]!.operationId;
    const interrupts = server.requests<InterruptRequest>('Interrupt');
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]).toMatchObject({
      interruptType: InterruptRequest_InterruptType.OPERATION_ID,
      interrupt: { case: 'operationId', value: operationId },
    });
  });

  it('interrupts and releases when the caller stops iterating early', async () => {
    server = await startMockServer({
      ExecutePlan: (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        call.write(arrowResponse(rowsTable([2n], ['b']), 'r2'));
        // never completes
      },
      Interrupt: () => create(InterruptResponseSchema, {}),
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({ remote: server.remote });
    for await (const _batch of client.sql('SELECT 1')) break;
    expect(server.requests('Interrupt')).toHaveLength(1);
    expect(server.requests('ReleaseExecute')).toHaveLength(1);
  });

  it('runs a statement as a SqlCommand and returns its output rows', async () => {
    server = await startMockServer({
      ExecutePlan: (_request, call) => {
        call.write(
          create(ExecutePlanResponseSchema, {
            responseId: 'r1',
            responseType: {
              case: 'sqlCommandResult',
              value: {
                relation: {
                  relType: {
                    case: 'localRelation',
                    value: { data: tableToIPC(rowsTable([7n], ['x']), 'stream') },
                  },
                },
              },
            },
          }),
        );
        call.write(completeResponse('r2'));
        call.end();
      },
      ReleaseExecute: release,
    });
    client = createSparkConnectClient({ remote: server.remote });
    expect(await client.execute('DESCRIBE DETAIL t')).toEqual([{ id: 7n, text: 'x' }]);
    const request = server.requests<ExecutePlanRequest>('ExecutePlan')[0]!;
    expect(request.plan?.opType).toMatchObject({
      case: 'command',
      value: {
        commandType: {
          case: 'sqlCommand',
          value: {
            sql: 'DESCRIBE DETAIL t',
            input: { relType: { case: 'sql', value: { query: 'DESCRIBE DETAIL t' } } },
          },
        },
      },
    });
  });

  it('reads a schema, the Spark version and config, and echoes the server-side session id', async () => {
    server = await startMockServer({
      AnalyzePlan: (request) =>
        request.analyze.case === 'schema'
          ? create(AnalyzePlanResponseSchema, {
              serverSideSessionId: 'server-1',
              result: {
                case: 'schema',
                value: {
                  schema: {
                    kind: {
                      case: 'struct',
                      value: {
                        fields: [
                          {
                            name: 'id',
                            dataType: { kind: { case: 'long', value: {} } },
                            nullable: false,
                          },
                          {
                            name: 'tags',
                            dataType: {
                              kind: {
                                case: 'array',
                                value: { elementType: { kind: { case: 'string', value: {} } } },
                              },
                            },
                            nullable: true,
                          },
                          {
                            name: 'amount',
                            dataType: {
                              kind: { case: 'decimal', value: { precision: 12, scale: 2 } },
                            },
                            nullable: true,
                          },
                        ],
                      },
                    },
                  },
                },
              },
            })
          : create(AnalyzePlanResponseSchema, {
              result: { case: 'sparkVersion', value: { version: '4.1.2' } },
            }),
      Config: (request) => {
        const operation = request.operation?.opType;
        if (operation?.case === 'getOption')
          return create(ConfigResponseSchema, {
            pairs: [{ key: 'spark.sql.session.timeZone', value: 'UTC' }, { key: 'unset.key' }],
          });
        return create(ConfigResponseSchema, {});
      },
      ReleaseSession: () => create(ReleaseSessionResponseSchema, {}),
    });
    client = createSparkConnectClient({ remote: server.remote });
    expect(await client.schema('SELECT …')).toEqual([
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'tags', type: 'array<string>', nullable: true },
      { name: 'amount', type: 'decimal(12,2)', nullable: true },
    ]);
    expect(await client.sparkVersion()).toBe('4.1.2');
    expect(await client.config.get(['spark.sql.session.timeZone', 'unset.key'])).toEqual({
      'spark.sql.session.timeZone': 'UTC',
      'unset.key': undefined,
    });
    await client.config.set({ 'spark.sql.ansi.enabled': 'true' });
    const analyze = server.requests<{ clientObservedServerSideSessionId?: string }>('AnalyzePlan');
    expect(analyze[0]?.clientObservedServerSideSessionId).toBeUndefined();
    expect(analyze[1]?.clientObservedServerSideSessionId).toBe('server-1');
    const set = server.requests<{ operation: { opType: unknown } }>('Config')[1];
    expect(set?.operation.opType).toMatchObject({
      case: 'set',
      value: { pairs: [{ key: 'spark.sql.ansi.enabled', value: 'true' }] },
    });
    await client.close();
    expect(server.requests('ReleaseSession')).toHaveLength(1);
    const error = await caught(client.sparkVersion());
    expect(error.code).toBe('spark-connect/closed');
  });

  it('starts a new session after the server lost it', async () => {
    const sessions: string[] = [];
    server = await startMockServer({
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
    client = createSparkConnectClient({ remote: server.remote });
    const error = await caught(client.sparkVersion());
    expect(error).toMatchObject({ code: 'spark-connect/session-lost', isRetryable: true });
    await expect(client.sparkVersion()).resolves.toBe('4.1.2');
    expect(sessions[1]).not.toBe(sessions[0]);
  });
});
