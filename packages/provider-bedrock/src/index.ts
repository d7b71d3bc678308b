export { createBedrockEmbedder } from './bedrock-embedder.js';
export type { BedrockEmbedderOptions, BedrockRuntimeClientLike, CohereInputType } from './bedrock-embedder.js';
export { bedrockModels, bedrockModelName, estimateBedrockTokens } from './bedrock-models.js';
export type { BedrockModelInfo } from './bedrock-models.js';
export { bedrockPrices, bedrockPrice } from './bedrock-prices.js';
export { toDriftError as toDriftErrorFromBedrock, redactAwsCredentials } from './bedrock-errors.js';
