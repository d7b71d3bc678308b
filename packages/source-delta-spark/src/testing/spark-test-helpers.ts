// Helpers of this package's tests (not built).
import { createSparkConnectClient, type SparkConnectClient } from '@drift-spark/spark-connect';

/** A client of the Spark server integration tests run against (SPARK_REMOTE). */
export function sparkForTests(): SparkConnectClient {
  const remote = process.env.SPARK_REMOTE;
  if (!remote)
    throw new Error(
      'SPARK_REMOTE is not set. Run through `pnpm test:int` at the root, or `eval "$(bash scripts/services/spark.sh start)"` first.',
    );
  return createSparkConnectClient({ remote });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The error a call fails with (a call that succeeds fails the test). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; reason?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a failure');
}
