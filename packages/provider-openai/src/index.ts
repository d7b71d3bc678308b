export type {
  OpenAIEmbedderOptions,
  OpenAIEmbeddingsClient,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
} from './openai-embedder.js';
export { createOpenAIEmbedder } from './openai-embedder.js';
export type { OpenAIModelInfo } from './openai-models.js';
export { openAIModels } from './openai-models.js';
export { openAIPrice, openAIPrices } from './openai-prices.js';
