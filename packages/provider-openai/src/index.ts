export { decodeBase64Float32 } from './openai-base64.js';
export type {
  OpenAIEmbedderOptions,
  OpenAIEmbeddingsClient,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
} from './openai-embedder.js';
export { createOpenAIEmbedder } from './openai-embedder.js';
export {
  parseResetDuration,
  retryAfterMsFromHeaders,
  toDriftError as toDriftErrorFromOpenAI,
} from './openai-errors.js';
export type { OpenAIModelInfo } from './openai-models.js';
export { openAILimits, openAIModelName, openAIModels } from './openai-models.js';
export { openAIPrice, openAIPrices } from './openai-prices.js';
