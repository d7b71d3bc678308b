import { describe, expect, it } from 'vitest';
import { classifyGcsError } from './gcs-failure.js';

function apiError(code: number, reason?: string): Error {
  return Object.assign(new Error('failed'), { code, errors: reason ? [{ reason }] : [] });
}

describe('classifyGcsError', () => {
  it('retries throttling and server errors, never denied ones', () => {
    expect(classifyGcsError(apiError(429, 'rateLimitExceeded'))).toMatchObject({
      kind: 'transient',
      code: 'rateLimitExceeded',
    });
    expect(classifyGcsError(apiError(503)).kind).toBe('transient');
    expect(classifyGcsError(apiError(403, 'forbidden'))).toMatchObject({
      kind: 'denied',
      code: 'forbidden',
    });
    expect(classifyGcsError(apiError(401)).kind).toBe('denied');
    expect(classifyGcsError(apiError(404, 'notFound')).kind).toBe('not-found');
  });

  it('retries a dropped connection and names missing credentials', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyGcsError(reset)).toMatchObject({ kind: 'transient', code: 'ECONNRESET' });
    expect(classifyGcsError(new Error('Could not load the default credentials.'))).toMatchObject({
      kind: 'denied',
      code: 'NoCredentials',
    });
  });
});
