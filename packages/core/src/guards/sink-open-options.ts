import { InvalidInputError } from '../errors/errors.js';
import type { SinkOpenOptions } from '../spec/sink-v1.js';

/**
 * The `open()` arguments every sink needs, checked once in the guard so no sink checks
 * them again: a positive whole number of dimensions, cosine distance (the only one
 * Drift defines), and the model the vectors come from. Limits of one store (pgvector's
 * 16,000 dimensions, Qdrant's 65,536) stay with that sink.
 */
export function assertOpenOptions(sinkId: string, options: SinkOpenOptions): void {
  const { dimensions, distance, model } = options;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    throw new InvalidInputError(
      `The sink ${sinkId} was opened for ${String(dimensions)} dimensions; open() needs a positive whole number (the embedder's dimensions).`,
    );
  }
  if (distance !== 'cosine') {
    throw new InvalidInputError(
      `The sink ${sinkId} was opened with distance ${JSON.stringify(distance)}; Drift sinks use 'cosine' only.`,
    );
  }
  if (typeof model !== 'string' || model.trim() === '') {
    throw new InvalidInputError(
      `The sink ${sinkId} was opened with no model; open() needs the embedder's id, so the sink can refuse vectors of another model.`,
    );
  }
}
