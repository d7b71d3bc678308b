import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  type ExecutePlanRequest,
  type InterruptRequest,
  InterruptRequest_InterruptType,
  InterruptResponseSchema,
  type ReattachExecuteRequest,
  type ReleaseExecuteRequest,
} from './gen/spark/connect/base_pb.js';
import { mockClient, mockServer } from './testing/mock-client.js';
import {
  arrowResponse,
  completeResponse,
  releaseExecute,
  rowsTable,
} from './testing/mock-spark-connect-server.js';
import { sparkFailure } from './testing/spark-failure.js';

describe('running a plan: reattach, release, abort and interrupt', () => {
  it('resumes a cut stream with ReattachExecute after the last response, then releases it', async () => {
    const server = await mockServer({
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
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({ remote: server.remote });
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
    const server = await mockServer({
      ExecutePlan: (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        call.end();
      },
    });
    const client = mockClient({ remote: server.remote, reattachable: false });
    expect(await client.sql('SELECT 1').collect()).toEqual([{ id: 1n, text: 'a' }]);
    expect(server.requests('ExecutePlan')[0]).toMatchObject({ requestOptions: [] });
    expect(server.requests('ReattachExecute')).toHaveLength(0);
    expect(server.requests('ReleaseExecute')).toHaveLength(0);
  });

  it('cancels the stream and interrupts the operation when the signal aborts', async () => {
    let release_!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release_ = resolve;
    });
    const server = await mockServer({
      ExecutePlan: async (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        await stalled;
        call.end();
      },
      Interrupt: (request) =>
        create(InterruptResponseSchema, {
          interruptedIds: request.interrupt.case === 'operationId' ? [request.interrupt.value] : [],
        }),
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({ remote: server.remote });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const error = await sparkFailure(
      (async () => {
        for await (const rows of client
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
    const server = await mockServer({
      ExecutePlan: (_request, call) => {
        call.write(arrowResponse(rowsTable([1n], ['a']), 'r1'));
        call.write(arrowResponse(rowsTable([2n], ['b']), 'r2'));
        // never completes
      },
      Interrupt: () => create(InterruptResponseSchema, {}),
      ReleaseExecute: releaseExecute,
    });
    const client = mockClient({ remote: server.remote });
    for await (const _batch of client.sql('SELECT 1')) break;
    expect(server.requests('Interrupt')).toHaveLength(1);
    expect(server.requests('ReleaseExecute')).toHaveLength(1);
  });
});
