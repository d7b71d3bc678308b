export type {
  BedrockEmbedderOptions,
  BedrockRuntimeClientLike,
  CohereInputType,
} from './bedrock-embedder.js';
export { createBedrockEmbedder } from './bedrock-embedder.js';
export { redactAwsCredentials, toDriftError as toDriftErrorFromBedrock } from './bedrock-errors.js';
export type { BedrockModelInfo } from './bedrock-models.js';
export { bedrockModelName, bedrockModels, estimateBedrockTokens } from './bedrock-models.js';
export { bedrockPrice, bedrockPrices } from './bedrock-prices.js';
