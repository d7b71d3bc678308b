import { S3Client } from '@aws-sdk/client-s3';

/** The part of the S3 client Drift uses, so tests and callers can pass their own. */
export interface S3ClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface S3ClientSettings {
  /** Default: AWS_REGION, AWS_DEFAULT_REGION, the profile's (with AWS_PROFILE), else us-east-1; a bucket in another region is followed. */
  region?: string;
  /** An S3-compatible endpoint (MinIO, R2, an emulator). Default: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); default: on when an endpoint is set, as MinIO and emulators need. */
  forcePathStyle?: boolean;
}

/**
 * An S3 client on the standard credential chain (env, profile, SSO, IMDS). The SDK's own
 * retries are off (`maxAttempts: 1`): the file system retries, so attempts never multiply.
 */
export function createS3Client(settings: S3ClientSettings = {}): S3ClientLike {
  // Drift supports Node 20; the SDK's notice about its future Node 22 floor is not for Drift's users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint =
    settings.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const region =
    settings.region ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    (process.env.AWS_PROFILE ? undefined : 'us-east-1');
  return new S3Client({
    maxAttempts: 1,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: settings.forcePathStyle ?? endpoint !== undefined,
    followRegionRedirects: true,
  }) as S3ClientLike;
}
