import { DimensionMismatchError, SinkError, type SinkOpenOptions } from '@drift-spark/core';
import type { QdrantClientSubset } from './qdrant-client-subset.js';

/** The payload index Drift creates: lookups by row key. */
const KEY_FIELD = 'key';

type CollectionInfo = Awaited<ReturnType<QdrantClientSubset['getCollection']>>;

/**
 * Creates the collection (one unnamed vector: size, Cosine) or verifies one that exists:
 * its vector, the model it holds; records Drift's model in its metadata and makes the
 * payload index on `key`. Resolves with whether this call created it.
 */
export async function openCollection(
  client: QdrantClientSubset,
  collection: string,
  open: SinkOpenOptions,
): Promise<{ created: boolean }> {
  let created = false;
  let createdElsewhere = false;
  const { exists } = await client.collectionExists(collection);
  if (!exists) {
    try {
      await client.createCollection(collection, {
        vectors: { size: open.dimensions, distance: 'Cosine' },
      });
      created = true;
    } catch (error) {
      // Another process created it first (409; 400 "already exists" before Qdrant
      // 1.8): verify it below like any existing collection.
      const status = (error as { status?: number })?.status;
      if (status !== 409 && !(await client.collectionExists(collection)).exists) throw error;
      createdElsewhere = true;
    }
  }
  const info = createdElsewhere
    ? await whenReadable(() => client.getCollection(collection))
    : await client.getCollection(collection);
  verifyVectors(info, collection, open);
  await verifyModel(client, info, collection, open);
  if (!info.payload_schema?.[KEY_FIELD]) {
    await client.createPayloadIndex(collection, {
      field_name: KEY_FIELD,
      field_schema: 'keyword',
      wait: true,
    });
  }
  return { created };
}

function verifyVectors(info: CollectionInfo, collection: string, open: SinkOpenOptions): void {
  const vectors = info.config.params.vectors as { size?: unknown; distance?: unknown } | undefined;
  if (!vectors || typeof vectors.size !== 'number') {
    throw new SinkError(
      `The Qdrant collection ${collection} has named vectors; Drift writes one unnamed vector. Use another collection.`,
    );
  }
  if (vectors.size !== open.dimensions) {
    throw new DimensionMismatchError(
      `The Qdrant collection ${collection} holds ${vectors.size}-dimension vectors, but the model ${open.model} makes ${open.dimensions}. Use another collection for this model, or migrate to it.`,
    );
  }
  if (vectors.distance !== 'Cosine') {
    throw new DimensionMismatchError(
      `The Qdrant collection ${collection} uses ${String(vectors.distance)} distance; Drift writes Cosine. Use another collection.`,
    );
  }
}

/** Refuses a collection of another model (its metadata says, or else a point); marks an unmarked one. */
async function verifyModel(
  client: QdrantClientSubset,
  info: CollectionInfo,
  collection: string,
  open: SinkOpenOptions,
): Promise<void> {
  const metadata = info.config.metadata ?? undefined;
  let model = typeof metadata?.drift_model === 'string' ? metadata.drift_model : undefined;
  if (model === undefined) {
    // A server without collection metadata (Qdrant < 1.16), or a collection made elsewhere: ask a point.
    const sample = await client.scroll(collection, {
      limit: 1,
      with_payload: true,
      with_vector: false,
    });
    const payloadModel = sample.points[0]?.payload?.model;
    model = typeof payloadModel === 'string' ? payloadModel : undefined;
  }
  if (model !== undefined && model !== open.model) {
    throw new DimensionMismatchError(
      `The Qdrant collection ${collection} holds vectors of the model ${model}, not ${open.model}; Drift does not mix models in one collection. Use another collection for ${open.model}, or migrate.`,
    );
  }
  if (typeof metadata?.drift_model === 'string') return;
  try {
    await client.updateCollection(collection, {
      metadata: { drift_model: open.model, drift_dimensions: open.dimensions },
    });
  } catch (error) {
    // Qdrant before 1.16 has no collection metadata and may refuse the field (400/422):
    // then the model of a stored point is what the next open checks.
    const status = (error as { status?: number })?.status;
    if (status !== 400 && status !== 422) throw error;
  }
}

/**
 * A collection another process is creating answers 500 ("0 of 0 read operations failed")
 * until its shards are up: ask again for up to ~1.5 s before calling that a failure.
 */
async function whenReadable<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const status = (error as { status?: number })?.status ?? 0;
      if (status < 500 || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
