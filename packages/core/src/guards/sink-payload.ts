import type { PointPayload } from '../spec/sink-v1.js';

/**
 * The payload of a point read back from a store, under the contract's names: strings as
 * stored (missing ones empty), `content` null when not stored, `metadata` from an object
 * or from JSON text (stores without a JSON type keep it as text).
 */
export function toPointPayload(record: object | null | undefined): PointPayload {
  const value = (record ?? {}) as Record<string, unknown>;
  const metadata = value.metadata;
  return {
    key: String(value.key ?? ''),
    source: String(value.source ?? ''),
    content: typeof value.content === 'string' ? value.content : null,
    content_hash: String(value.content_hash ?? ''),
    model: String(value.model ?? ''),
    run_id: typeof value.run_id === 'string' ? value.run_id : '',
    metadata:
      typeof metadata === 'string'
        ? (JSON.parse(metadata) as PointPayload['metadata'])
        : metadata && typeof metadata === 'object'
          ? (metadata as Record<string, unknown>)
          : null,
  };
}
