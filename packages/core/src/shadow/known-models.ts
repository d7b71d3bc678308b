/**
 * Output dimensions of the embedding models Drift knows by name, so that shadow mode
 * gives vectors of the right size without a key. Other models need `dimensions`.
 */
export const knownModelDimensions: Readonly<Record<string, number>> = Object.freeze({
  'openai/text-embedding-3-small': 1536,
  'openai/text-embedding-3-large': 3072,
  'openai/text-embedding-ada-002': 1536,
  'bedrock/amazon.titan-embed-text-v2:0': 1024,
  'bedrock/cohere.embed-english-v3': 1024,
  'bedrock/cohere.embed-multilingual-v3': 1024,
});

/** The default dimension of a known model, or undefined. */
export function knownDimensions(model: string): number | undefined {
  return Object.hasOwn(knownModelDimensions, model) ? knownModelDimensions[model] : undefined;
}
