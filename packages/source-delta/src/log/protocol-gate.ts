import { deltaError } from '../delta-errors.js';
import type { MetadataAction, ProtocolAction } from './delta-actions.js';

/** Reader features this reader implements (PROTOCOL "Table Features"). */
export const supportedReaderFeatures: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'timestampWithoutTimezone',
  'typeWidening',
  'typeWidening-preview',
  'v2Checkpoint',
  'vacuumProtocolCheck',
]);

/**
 * Refuses a protocol this reader cannot read correctly: a reader version above 3, or any
 * reader feature it does not implement, named in the error.
 */
export function assertReadable(protocol: ProtocolAction, version: number): void {
  const readerVersion = protocol.minReaderVersion;
  if (readerVersion > 3) {
    throw deltaError(
      'unsupported-protocol',
      `The table at version ${version} requires Delta reader version ${readerVersion}; this reader supports up to 3. Upgrade @drift-spark/source-delta or read the table through Spark (--spark).`,
    );
  }
  if (readerVersion === 3) {
    const unknown = (protocol.readerFeatures ?? []).filter(
      (feature) => !supportedReaderFeatures.has(feature),
    );
    if (unknown.length > 0) {
      throw deltaError(
        'unsupported-reader-feature',
        `The table at version ${version} uses the Delta reader feature${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `"${f}"`).join(', ')}, which this reader does not implement (it implements ${[...supportedReaderFeatures].join(', ')}). Reading it anyway could return wrong rows; read the table through Spark (--spark) instead.`,
      );
    }
  }
}

/**
 * Whether the Change Data Feed is on: the table property `delta.enableChangeDataFeed` is
 * true and the protocol supports it (writer version 4 to 6, or 7 with `changeDataFeed`),
 * as Delta kernel decides.
 */
export function isChangeDataFeedEnabled(
  metadata: MetadataAction,
  protocol: ProtocolAction,
): boolean {
  const property = metadata.configuration?.['delta.enableChangeDataFeed'];
  if (typeof property !== 'string' || property.toLowerCase() !== 'true') return false;
  if (protocol.minWriterVersion >= 7)
    return (protocol.writerFeatures ?? []).includes('changeDataFeed');
  return protocol.minWriterVersion >= 4;
}
