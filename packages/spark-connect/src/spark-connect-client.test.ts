import { create } from '@bufbuild/protobuf';
import { tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  AnalyzePlanResponseSchema,
  ConfigResponseSchema,
  type ExecutePlanRequest,
  ExecutePlanResponseSchema,
  type ReleaseExecuteRequest,
  ReleaseSessionResponseSchema,
} from './gen/spark/connect/base_pb.js';
import { mockClient, mockServer } from './testing/mock-client.js';
import {
  arrowResponse,
  completeResponse,
  idField,
  releaseExecute,
  rowsTable,
} from './testing/mock-spark-connect-server.js';
import { sparkFailure } from './testing/spark-failure.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('createSparkConnectClient against a mock server: queries, statements, schema and config', () => {
  it('streams Arrow batches as rows and sends token, headers, user and session on every call', async () => {
    const server = await mockServer({
      ExecutePlan: (request, call) => {
        call.write(
          create(ExecutePlanResponseSchema, {
            operationId: request.operationId,
            responseId: 'r0',
            schema: {
              kind: {
                case: 'struct',
                value: {
                  fields: [idField],
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
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({
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
    const server = await mockServer({
      AnalyzePlan: () =>
        create(AnalyzePlanResponseSchema, {
          result: { case: 'sparkVersion', value: { version: '4.1.2' } },
        }),
    });
    const client = mockClient();
    process.env.SPARK_REMOTE = server.remote;
    await expect(client.sparkVersion()).resolves.toBe('4.1.2');
  });

  it('says what to do when no address is given', async () => {
    const client = mockClient();
    const error = await sparkFailure(client.sparkVersion());
    expect(error.code).toBe('spark-connect/invalid-url');
    expect(error.message).toContain('SPARK_REMOTE');
  });

  it('runs a statement as a SqlCommand and returns its output rows', async () => {
    const server = await mockServer({
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
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({ remote: server.remote });
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
    const server = await mockServer({
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
                          idField,
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
    const client = mockClient({ remote: server.remote });
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
    const error = await sparkFailure(client.sparkVersion());
    expect(error.code).toBe('spark-connect/closed');
  });
});
