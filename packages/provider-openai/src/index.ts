export { createOpenAIEmbedder } from './openai-embedder.js';
export type { OpenAIEmbedderOptions, OpenAIEmbeddingsClient, OpenAIEmbeddingsRequest, OpenAIEmbeddingsResponse } from './openai-embedder.js';
export { openAIModels, openAILimits, openAIModelName } from './openai-models.js';
export type { OpenAIModelInfo } from './openai-models.js';
export { openAIPrices, openAIPrice } from './openai-prices.js';
export { decodeBase64Float32 } from './openai-base64.js';
export { toDriftError as toDriftErrorFromOpenAI, retryAfterMsFromHeaders, parseResetDuration } from './openai-errors.js';
