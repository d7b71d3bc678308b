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

  it('names credentials the client refuses before any request, without the SDK message', () => {
    const badKey = Object.assign(new Error('error:1E08010C:DECODER routines::unsupported'), {
      code: 'ERR_OSSL_UNSUPPORTED',
    });
    expect(classifyGcsError(badKey)).toMatchObject({ kind: 'denied', code: 'InvalidCredentials' });
    const missing = Object.assign(new Error('The file at /secret/key.json does not exist'), {
      code: 'ENOENT',
    });
    expect(classifyGcsError(missing)).toMatchObject({ kind: 'denied', code: 'NoCredentials' });
    expect(classifyGcsError(new SyntaxError('Expected , in JSON')).kind).toBe('denied');
    expect(JSON.stringify(classifyGcsError(missing))).not.toContain('/secret/key.json');
  });
});
