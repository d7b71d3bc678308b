import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { classifyAzureError } from './azure-failure.js';

function restError(code: string, statusCode: number): RestError {
  return new RestError('https://acct.blob.core.windows.net/c/k?sig=SECRET failed', {
    code,
    statusCode,
  });
}

describe('classifyAzureError', () => {
  it('retries throttling and server errors, never denied ones', () => {
    expect(classifyAzureError(restError('ServerBusy', 503))).toMatchObject({
      kind: 'transient',
      code: 'ServerBusy',
    });
    expect(classifyAzureError(restError('InternalError', 500)).kind).toBe('transient');
    expect(classifyAzureError(restError('AuthorizationFailure', 403))).toMatchObject({
      kind: 'denied',
      code: 'AuthorizationFailure',
    });
    expect(classifyAzureError(restError('BlobNotFound', 404)).kind).toBe('not-found');
    expect(classifyAzureError(restError('ContainerNotFound', 404)).kind).toBe('fatal');
  });

  it('retries a dropped connection', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyAzureError(reset)).toMatchObject({ kind: 'transient', code: 'ECONNRESET' });
  });
});
