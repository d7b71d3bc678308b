import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { classifyS3Error } from './s3-failure.js';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

describe('classifyS3Error', () => {
  it('retries throttling and server errors, whatever their status', () => {
    expect(classifyS3Error(s3Error('SlowDown', 503))).toMatchObject({
      kind: 'transient',
      code: 'SlowDown',
    });
    expect(classifyS3Error(s3Error('InternalError', 500)).kind).toBe('transient');
    expect(classifyS3Error(s3Error('UnknownError', 502)).kind).toBe('transient');
  });

  it('never retries denied credentials, and says a missing bucket is not a missing file', () => {
    expect(classifyS3Error(s3Error('AccessDenied', 403))).toMatchObject({
      kind: 'denied',
      code: 'AccessDenied',
    });
    expect(classifyS3Error(s3Error('InvalidAccessKeyId', 403)).kind).toBe('denied');
    expect(classifyS3Error(s3Error('NoSuchKey', 404)).kind).toBe('not-found');
    expect(classifyS3Error(s3Error('NoSuchBucket', 404)).kind).toBe('fatal');
  });

  it('retries a dropped connection and names missing credentials', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyS3Error(reset)).toMatchObject({ kind: 'transient', code: 'ECONNRESET' });
    const noCredentials = Object.assign(
      new Error('Could not load credentials from any providers'),
      {
        name: 'CredentialsProviderError',
      },
    );
    expect(classifyS3Error(noCredentials)).toMatchObject({ kind: 'denied', code: 'NoCredentials' });
  });
});
