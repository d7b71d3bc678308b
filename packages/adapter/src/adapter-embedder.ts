import {
  type EmbedderV1,
  embedderFingerprint,
  InvalidInputError,
  wrapEmbedder,
} from '@drift-spark/core';
import { adapterHash } from './adapter-file.js';
import type { Adapter } from './adapter-types.js';
import { applyAdapter } from './apply-adapter.js';

/**
 * An embedder that embeds with the new model B and maps each vector into the old
 * model A's space with the adapter, so an index built with A can be queried with B
 * before B's own index is ready. Its `id` and `dimensions` are A's (so a sink built
 * with A accepts it); limits, token counts and price are B's, since B is what is paid.
 * Its fingerprint names the adapter, so its vectors are never taken for A's own.
 */
export function createAdapterEmbedder(embedderB: EmbedderV1, adapter: Adapter): EmbedderV1 {
  if (embedderB.id !== adapter.fromModel || embedderB.dimensions !== adapter.fromDimensions) {
    throw new InvalidInputError(
      `The adapter maps ${adapter.fromModel} (${adapter.fromDimensions} dimensions) to ${adapter.toModel}; the embedder is ${embedderB.id} (${embedderB.dimensions} dimensions). Use the adapter fitted for this model.`,
    );
  }
  let fingerprint: string | undefined;
  return wrapEmbedder({
    embedder: embedderB,
    middleware: {
      overrideId: () => adapter.toModel,
      overrideDimensions: () => adapter.toDimensions,
      overrideFingerprint: ({ embedder }) => {
        fingerprint ??= embedderFingerprint(adapter.toModel, adapter.toDimensions, {
          adapter: adapterHash(adapter).slice(0, 16),
          from: embedder.fingerprint,
        });
        return fingerprint;
      },
      wrapEmbed: async ({ doEmbed }) => {
        const result = await doEmbed();
        return {
          ...result,
          vectors: result.vectors.map((vector) => applyAdapter(adapter, vector)),
        };
      },
    },
  });
}
