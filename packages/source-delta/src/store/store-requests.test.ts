import { describe, expect, it } from 'vitest';
import { kindOfStatus, type StoreFailure } from './store-failure.js';
import { createStoreRequests } from './store-requests.js';

function failingWith(status: number, code: string, secret = 'sig=SECRET') {
  return Object.assign(new Error(`request to https://x/?${secret} failed`), { status, code });
}

const classify = (error: unknown): StoreFailure => {
  const { status, code } = error as { status: number; code: string };
  return { kind: kindOfStatus(status), code };
};

describe('createStoreRequests', () => {
  it('retries 503 and throttling, then succeeds', async () => {
    const requests = createStoreRequests({ classify, initialDelayMs: 1 });
    let calls = 0;
    const result = await requests.run('s3://b/k', async () => {
      calls++;
      if (calls === 1) throw failingWith(503, 'SlowDown');
      if (calls === 2) throw failingWith(500, 'InternalError');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('never retries a denied request, and names the object and code without the SDK message', async () => {
    const requests = createStoreRequests({ classify, initialDelayMs: 1 });
    let calls = 0;
    const error = await requests
      .run('s3://lake/t/_delta_log/00000000000000000042.json', async () => {
        calls++;
        throw failingWith(403, 'AccessDenied');
      })
      .catch((caught: Error) => caught);
    expect(calls).toBe(1);
    expect((error as Error).message).toMatch(
      /^AccessDenied on s3:\/\/lake\/t\/_delta_log\/00000000000000000042\.json: /,
    );
    expect((error as Error).message).not.toContain('SECRET');
    expect((error as { reason?: string }).reason).toBe('store-access-denied');
  });

  it('gives up after maxAttempts and reports a missing object as file-missing', async () => {
    const requests = createStoreRequests({ classify, initialDelayMs: 1, maxAttempts: 3 });
    let calls = 0;
    const unavailable = await requests
      .run('gs://b/k', async () => {
        calls++;
        throw failingWith(503, 'ServiceUnavailable');
      })
      .catch((caught: Error) => caught);
    expect(calls).toBe(3);
    expect((unavailable as { reason?: string }).reason).toBe('store-unavailable');
    const missing = await requests
      .run('gs://b/k', async () => {
        throw failingWith(404, 'NoSuchKey');
      })
      .catch((caught: Error) => caught);
    expect((missing as { reason?: string }).reason).toBe('file-missing');
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const requests = createStoreRequests({ classify, maxConcurrency: 2 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        requests.run('s3://b/k', async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});
