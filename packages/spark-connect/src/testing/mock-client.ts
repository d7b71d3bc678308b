// Mock servers and clients for unit tests, closed after each test (clients first).
import { afterEach } from 'vitest';
import {
  createSparkConnectClient,
  type SparkConnectClient,
  type SparkConnectClientOptions,
} from '../spark-connect-client.js';
import {
  type MockHandlers,
  type MockServer,
  startMockServer,
} from './mock-spark-connect-server.js';

const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
  delete process.env.SPARK_REMOTE;
});

/** A mock server closed after the test. */
export async function mockServer(handlers: MockHandlers): Promise<MockServer> {
  const server = await startMockServer(handlers);
  open.push(server);
  return server;
}

/** A client closed after the test, before the servers. */
export function mockClient(options?: SparkConnectClientOptions): SparkConnectClient {
  const client = createSparkConnectClient(options);
  open.push(client);
  return client;
}
