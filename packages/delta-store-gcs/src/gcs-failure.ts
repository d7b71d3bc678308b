import {
  droppedConnectionCode,
  kindOfStatus,
  type StoreFailure,
} from '@drift-spark/source-delta/store';

/** GCS reasons (`errors[0].reason`) that mean "slow down or try again". */
const transientReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'backendError']);

/** Reads a @google-cloud/storage error: its reason, HTTP status, and what it means for a read. */
export function classifyGcsError(error: unknown): StoreFailure {
  const details = error as {
    code?: unknown;
    errors?: { reason?: string }[];
    name?: string;
    message?: string;
  } | null;
  const status = typeof details?.code === 'number' ? details.code : undefined;
  const reason = details?.errors?.[0]?.reason;
  if (reason && transientReasons.has(reason)) return { kind: 'transient', code: reason };
  if (status === undefined) {
    const dropped = droppedConnectionCode(error);
    if (dropped) return { kind: 'transient', code: dropped };
    const rejected = rejectedCredentials(error);
    if (rejected) return rejected;
    if (
      /default credentials|could not load the default credentials/i.test(String(details?.message))
    ) {
      return {
        kind: 'denied',
        code: 'NoCredentials',
        hint: 'no Google credentials were found; run gcloud auth application-default login or set GOOGLE_APPLICATION_CREDENTIALS',
      };
    }
    return { kind: 'fatal', code: typeof details?.code === 'string' ? details.code : 'Error' };
  }
  const kind = kindOfStatus(status);
  const code = reason ?? `HTTP ${status}`;
  return { kind, code };
}

const credentialsHint =
  'the Google credentials Drift found (GOOGLE_APPLICATION_CREDENTIALS or Application Default Credentials)';

/**
 * Credentials the client itself refuses before any request: a credentials file that is
 * missing, not JSON, or holds a private key that is not a key. The SDK's message is not
 * kept (it may quote the file).
 */
function rejectedCredentials(error: unknown): StoreFailure | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_OSSL')) {
    return {
      kind: 'denied',
      code: 'InvalidCredentials',
      hint: `the private key in ${credentialsHint} is not a valid key; download the service account key again`,
    };
  }
  if (code === 'ENOENT') {
    return {
      kind: 'denied',
      code: 'NoCredentials',
      hint: `${credentialsHint} name a file that does not exist; check GOOGLE_APPLICATION_CREDENTIALS`,
    };
  }
  if (error instanceof SyntaxError) {
    return {
      kind: 'denied',
      code: 'InvalidCredentials',
      hint: `${credentialsHint} are not a valid JSON key file; check GOOGLE_APPLICATION_CREDENTIALS`,
    };
  }
  return undefined;
}
