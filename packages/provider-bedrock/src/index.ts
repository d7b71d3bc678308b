export type {
  BedrockEmbedderOptions,
  BedrockRuntimeClientLike,
  CohereInputType,
} from './bedrock-embedder.js';
export { createBedrockEmbedder } from './bedrock-embedder.js';
export type { BedrockModelInfo } from './bedrock-models.js';
export { bedrockModels } from './bedrock-models.js';
export { bedrockPrice, bedrockPrices } from './bedrock-prices.js';
