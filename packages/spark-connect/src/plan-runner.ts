import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { GrpcStatus, isServiceError, readErrorInfo } from './error-mapping.js';
import {
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  InterruptRequest_InterruptType,
  InterruptRequestSchema,
  InterruptResponseSchema,
  type Plan,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
} from './gen/spark/connect/base_pb.js';
import type { ServerStream } from './grpc-transport.js';
import { abortError } from './spark-connect-error.js';
import { bestEffort, type SparkSession } from './spark-session.js';

/**
 * Runs a plan and yields its responses (ResultComplete is consumed here). With
 * reattachable execution, a stream that ends early or breaks with UNAVAILABLE is
 * resumed after the last response id; the operation is released at the end.
 */
export async function* runPlan(
  session: SparkSession,
  plan: Plan,
  action: string,
  signal?: AbortSignal,
): AsyncGenerator<ExecutePlanResponse> {
  if (signal?.aborted) throw abortError(signal);
  const { reattachable, maxReattachAttempts, stats } = session;
  const current = session.connect();
  const operationId = randomUUID();
  const start = () =>
    current.transport.serverStream(
      'ExecutePlan',
      ExecutePlanRequestSchema,
      ExecutePlanResponseSchema,
      create(ExecutePlanRequestSchema, {
        ...session.base(current),
        plan,
        operationId,
        requestOptions: reattachable
          ? [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }]
          : [],
      }),
    );
  let stream: ServerStream<ExecutePlanResponse> = start();
  let lastResponseId: string | undefined;
  let complete = false;
  let failures = 0;
  let serverKnowsOperation = false;
  const onAbort = () => stream.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      try {
        for await (const response of stream) {
          serverKnowsOperation = true;
          failures = 0;
          stats.responses++;
          session.observe(response.serverSideSessionId);
          if (response.responseId) lastResponseId = response.responseId;
          if (response.responseType.case === 'resultComplete') {
            complete = true;
            continue;
          }
          yield response;
        }
        if (!reattachable || complete) {
          complete = true;
          return;
        }
      } catch (error) {
        if (signal?.aborted) throw abortError(signal);
        const lostBeforeStart =
          isServiceError(error) &&
          !serverKnowsOperation &&
          readErrorInfo(error.metadata).errorClass?.startsWith(
            'INVALID_HANDLE.OPERATION_NOT_FOUND',
          );
        const transient =
          isServiceError(error) && error.code === GrpcStatus.Unavailable && serverKnowsOperation;
        if (!reattachable || !(transient || lostBeforeStart) || failures >= maxReattachAttempts)
          throw await session.mapError(error, action, signal);
        failures++;
        await delay(Math.min(50 * 4 ** (failures - 1), 5_000), signal);
        if (lostBeforeStart) {
          // The ExecutePlan never reached the server: send it again.
          stream = start();
          continue;
        }
      }
      // The stream ended without ResultComplete (or broke): resume after the last response.
      stats.reattaches++;
      stream = current.transport.serverStream(
        'ReattachExecute',
        ReattachExecuteRequestSchema,
        ExecutePlanResponseSchema,
        create(ReattachExecuteRequestSchema, {
          ...session.base(current),
          operationId,
          ...(lastResponseId ? { lastResponseId } : {}),
        }),
      );
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!complete) {
      stream.cancel();
      if (serverKnowsOperation) {
        await bestEffort(
          current.transport.unary(
            'Interrupt',
            InterruptRequestSchema,
            InterruptResponseSchema,
            create(InterruptRequestSchema, {
              ...session.base(current),
              interruptType: InterruptRequest_InterruptType.OPERATION_ID,
              interrupt: { case: 'operationId', value: operationId },
            }),
            AbortSignal.timeout(10_000),
          ),
        );
      }
    }
    if (reattachable && serverKnowsOperation) {
      await bestEffort(
        current.transport.unary(
          'ReleaseExecute',
          ReleaseExecuteRequestSchema,
          ReleaseExecuteResponseSchema,
          create(ReleaseExecuteRequestSchema, {
            ...session.base(current),
            operationId,
            release: { case: 'releaseAll', value: {} },
          }),
          AbortSignal.timeout(10_000),
        ),
      );
    }
  }
}

/** Waits before a reattach; rejects with an abort error when the signal fires. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
