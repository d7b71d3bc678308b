import {
  AbortedError,
  DriftError,
  FatalError,
  InputRejectedError,
  RateLimitedError,
  TransientError,
} from '@drift-spark/core';

const rateLimited = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceQuotaExceededException',
]);
const transient = new Set([
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelTimeoutException',
  'ModelNotReadyException',
  'ModelErrorException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const fatal = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'ResourceNotFoundException',
  'CredentialsProviderError',
]);
const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** Removes AWS access key ids and signatures that some AWS messages echo. */
export function redactAwsCredentials(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA)[0-9A-Z]{12,}\b/g, '[redacted]')
    .replace(/Signature=[0-9a-f]+/gi, 'Signature=[redacted]')
    .replace(/Credential=[^,\s]+/g, 'Credential=[redacted]');
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function retryAfterMs(error: AwsErrorShape): number | undefined {
  const value = error.$response?.headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

export interface BedrockErrorContext {
  model: string;
  /** Inputs in the call: a rejection of a one-input call names input 0. */
  inputs: number;
  aborted?: boolean;
}

/**
 * Turns what the AWS SDK threw into one of core's typed errors by the exception's name
 * (its stable error type), the HTTP status and the network error code; never by message text.
 */
export function toDriftError(error: unknown, context: BedrockErrorContext): DriftError {
  if (DriftError.isInstance(error)) return error;
  const shape = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as AwsErrorShape;
  const name = shape.name ?? '';
  const status = shape.$metadata?.httpStatusCode;
  const where = `Bedrock (${context.model})`;
  const detail = redactAwsCredentials(shape.message ?? String(error));
  if (context.aborted || name === 'AbortError')
    return new AbortedError(`The call to ${where} was aborted.`);
  if (rateLimited.has(name) || status === 429) {
    const wait = retryAfterMs(shape);
    return new RateLimitedError(`${where} is throttling (${name || status}): ${detail}`, {
      cause: error,
      retryAfterMs: wait,
    });
  }
  if (name === 'ValidationException') {
    return new InputRejectedError(`${where} refused the input (ValidationException): ${detail}`, {
      cause: error,
      inputIndex: context.inputs === 1 ? 0 : undefined,
    });
  }
  if (fatal.has(name) || status === 401 || status === 403 || status === 404) {
    const hint =
      name === 'ResourceNotFoundException' || status === 404
        ? 'Check the model id and that the model is enabled in this region.'
        : name === 'CredentialsProviderError'
          ? 'Set AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or an instance role).'
          : 'Check the AWS credentials and that they may call bedrock:InvokeModel on this model in this region.';
    return new FatalError(`${where} refused the call (${name || status}): ${detail}. ${hint}`);
  }
  if (
    transient.has(name) ||
    networkCodes.has(shape.code ?? '') ||
    shape.$fault === 'server' ||
    (status !== undefined && status >= 500)
  ) {
    return new TransientError(
      `${where} failed for now (${name || shape.code || status}): ${detail}. The call will be tried again.`,
      { cause: error },
    );
  }
  if (/region is missing/i.test(detail) || (name === 'Error' && /region/i.test(detail))) {
    return new FatalError(`${where}: no AWS region. Set AWS_REGION or pass region.`);
  }
  return new FatalError(`${where} failed (${name || status || 'error'}): ${detail}`, {
    cause: error,
  });
}
