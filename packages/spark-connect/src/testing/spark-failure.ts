import { SparkConnectError } from '../spark-connect-error.js';

/** The SparkConnectError a call fails with (any other outcome fails the test). */
export async function sparkFailure(promise: Promise<unknown>): Promise<SparkConnectError> {
  try {
    await promise;
  } catch (error) {
    if (SparkConnectError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a SparkConnectError');
}
