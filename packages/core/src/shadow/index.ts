export { hashedFeatureVector, spaceSeed } from './feature-hashing.js';
export { knownDimensions, knownModelDimensions } from './known-models.js';
export {
  createShadowEmbedder,
  defaultShadowLimits,
  estimateTokens,
  type ShadowEmbedderOptions,
  shadowFingerprint,
  shadowPrice,
} from './shadow-embedder.js';
