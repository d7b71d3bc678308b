import { deltaError, hasReason } from '../delta-errors.js';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import type { DeletionVectorDescriptor } from '../log/delta-actions.js';
import { decodeDeletionVectorBitmap } from './roaring-bitmap.js';
import { decodeZ85 } from './z85.js';

function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Where an on-disk deletion vector lives (storage types `u` and `p`). */
export function deletionVectorPath(
  fileSystem: DeltaFileSystem,
  tableRoot: string,
  descriptor: DeletionVectorDescriptor,
): string {
  if (descriptor.storageType === 'p')
    return fileSystem.resolve(tableRoot, descriptor.pathOrInlineDv);
  const encoded = descriptor.pathOrInlineDv;
  const prefix = encoded.slice(0, -20);
  const uuid = formatUuid(decodeZ85(encoded.slice(-20)));
  const name = `deletion_vector_${uuid}.bin`;
  return fileSystem.resolve(tableRoot, prefix ? `${prefix}/${name}` : name);
}

/** The row positions a deletion vector deletes (0-based positions in the whole data file). */
export async function loadDeletionVector(
  fileSystem: DeltaFileSystem,
  tableRoot: string,
  descriptor: DeletionVectorDescriptor,
  signal?: AbortSignal,
): Promise<Set<number>> {
  try {
    if (descriptor.storageType === 'i') {
      const bytes = decodeZ85(descriptor.pathOrInlineDv).subarray(0, descriptor.sizeInBytes);
      return new Set(decodeDeletionVectorBitmap(bytes));
    }
    if (descriptor.storageType !== 'u' && descriptor.storageType !== 'p') {
      throw new Error(`unknown deletion vector storage type "${descriptor.storageType}"`);
    }
    const path = deletionVectorPath(fileSystem, tableRoot, descriptor);
    const offset = descriptor.offset ?? 1;
    const bytes = await fileSystem.read(path, {
      range: { start: offset, end: offset + 4 + descriptor.sizeInBytes },
      signal: signal,
    });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dataSize = view.getUint32(0, false);
    return new Set(decodeDeletionVectorBitmap(bytes.subarray(4, 4 + dataSize)));
  } catch (error) {
    if (hasReason(error, 'file-missing')) {
      throw deltaError(
        'file-missing',
        `A deletion vector file of the table is missing (${(error as Error).message}). It was probably removed by VACUUM; read a later version of the table.`,
        error,
      );
    }
    throw deltaError(
      'corrupt-deletion-vector',
      `A deletion vector of the table cannot be read: ${(error as Error).message}. The table may be damaged or written by a newer writer.`,
      error,
    );
  }
}
