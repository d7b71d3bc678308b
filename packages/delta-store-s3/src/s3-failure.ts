import {
  droppedConnectionCode,
  kindOfStatus,
  type StoreFailure,
} from '@drift-spark/source-delta/store';

/** S3 codes that mean "slow down or try again" whatever their HTTP status. */
const transientCodes = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
]);

/** Reads an @aws-sdk/client-s3 error: its S3 code, HTTP status, and what it means for a read. */
export function classifyS3Error(error: unknown): StoreFailure {
  const details = error as {
    name?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
  } | null;
  const status = details?.$metadata?.httpStatusCode;
  const code = details?.Code ?? details?.name ?? 'Error';
  if (code === 'CredentialsProviderError') {
    return {
      kind: 'denied',
      code: 'NoCredentials',
      hint: 'no AWS credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or sign in with aws sso login',
    };
  }
  if (code === 'NoSuchBucket') {
    return { kind: 'fatal', code, hint: 'the bucket does not exist; check the table URI' };
  }
  if (transientCodes.has(code)) return { kind: 'transient', code };
  const dropped = droppedConnectionCode(error);
  if (dropped && status === undefined) return { kind: 'transient', code: dropped };
  if (/region is missing/i.test(String((error as Error | null)?.message))) {
    return {
      kind: 'fatal',
      code: 'NoRegion',
      hint: 'set AWS_REGION (or a region in your AWS profile)',
    };
  }
  const kind = kindOfStatus(status);
  if (kind === 'fatal' && status === undefined) {
    return {
      kind,
      code,
      hint: 'the S3 request failed before reaching the store; check AWS_ENDPOINT_URL and the network',
    };
  }
  return { kind, code: status !== undefined && code === 'Error' ? `HTTP ${status}` : code };
}
