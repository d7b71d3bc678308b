import {
  droppedConnectionCode,
  kindOfStatus,
  type StoreFailure,
} from '@drift-spark/source-delta/store';

/** Azure Storage codes that mean "slow down or try again". */
const transientCodes = new Set(['ServerBusy', 'InternalError', 'OperationTimedOut']);

/** Reads an @azure/storage-blob `RestError`: its code, HTTP status, and what it means for a read. */
export function classifyAzureError(error: unknown): StoreFailure {
  const details = error as { statusCode?: number; code?: string; name?: string } | null;
  const status = details?.statusCode;
  const code = details?.code ?? (status !== undefined ? `HTTP ${status}` : 'Error');
  if (
    details?.name === 'CredentialUnavailableError' ||
    details?.name === 'AggregateAuthenticationError'
  ) {
    return {
      kind: 'denied',
      code: 'NoCredentials',
      hint: 'no Azure credentials were found; set AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN, or sign in with az login',
    };
  }
  if (transientCodes.has(code)) return { kind: 'transient', code };
  if (status === undefined || status === 0) {
    const dropped = droppedConnectionCode(error);
    if (dropped) return { kind: 'transient', code: dropped };
  }
  if (code === 'ContainerNotFound') {
    return { kind: 'fatal', code, hint: 'the container does not exist; check the table URI' };
  }
  return { kind: kindOfStatus(status), code };
}
