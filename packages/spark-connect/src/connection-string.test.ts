import { describe, expect, it } from 'vitest';
import { parseConnectionString } from './connection-string.js';
import { SparkConnectError } from './spark-connect-error.js';

describe('parseConnectionString', () => {
  it('reads host and the default port 15002', () => {
    const settings = parseConnectionString('sc://localhost');
    expect(settings).toMatchObject({
      host: 'localhost',
      port: 15002,
      useSsl: false,
      token: undefined,
      headers: {},
    });
  });

  it('reads the documented parameters and URL-decodes values', () => {
    const settings = parseConnectionString(
      'sc://spark.example.com:443/;token=a%2Fb;user_id=ann;user_agent=my%20app;session_id=2a1c9b8e-3f4d-4e5f-8a9b-0c1d2e3f4a5b;grpc_max_message_size=1024',
    );
    expect(settings).toMatchObject({
      host: 'spark.example.com',
      port: 443,
      token: 'a/b',
      useSsl: true,
      userId: 'ann',
      userAgent: 'my app',
      sessionId: '2a1c9b8e-3f4d-4e5f-8a9b-0c1d2e3f4a5b',
      grpcMaxMessageSize: 1024,
      headers: {},
    });
  });

  it('turns every other parameter into a header (how Databricks cluster ids get through)', () => {
    const settings = parseConnectionString(
      'sc://h:443/;token=t;x-databricks-cluster-id=0123-abc;X-My-Header=v',
    );
    expect(settings.headers).toEqual({ 'x-databricks-cluster-id': '0123-abc', 'x-my-header': 'v' });
  });

  it('lets use_ssl=false keep a token on a plaintext local channel', () => {
    expect(parseConnectionString('sc://127.0.0.1:15002/;token=t;use_ssl=false').useSsl).toBe(false);
    expect(parseConnectionString('sc://127.0.0.1/;use_ssl=true').useSsl).toBe(true);
  });

  it('reads an IPv6 host', () => {
    expect(parseConnectionString('sc://[::1]:15003')).toMatchObject({ host: '[::1]', port: 15003 });
  });

  it.each([
    ['http://localhost:15002', 'sc://'],
    ['sc://', 'no host'],
    ['sc://host:99999', 'port'],
    ['sc://host:abc', 'port'],
    ['sc://host/prefix/;token=x', 'no path'],
    ['sc://host/;use_ssl=yes', 'use_ssl'],
    ['sc://host/;session_id=not-a-uuid', 'UUID'],
    ['sc://host/;novalue', 'key=value'],
  ])('refuses %s with a message naming the problem', (remote, fragment) => {
    let caught: unknown;
    try {
      parseConnectionString(remote);
    } catch (error) {
      caught = error;
    }
    expect(SparkConnectError.isInstance(caught)).toBe(true);
    expect((caught as SparkConnectError).code).toBe('spark-connect/invalid-url');
    expect((caught as SparkConnectError).message).toContain(fragment);
  });

  it('never repeats the token in an error', () => {
    expect(() => parseConnectionString('sc://host/prefix;token=supersecret')).toThrow(/path/);
    try {
      parseConnectionString('sc://host:bad/;token=supersecret');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('supersecret');
    }
  });
});
