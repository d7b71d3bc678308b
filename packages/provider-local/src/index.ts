export type { LocalEmbedderOptions } from './local-embedder.js';
export { createLocalEmbedder, localPrice } from './local-embedder.js';
export type { LocalModelInfo, LocalPooling } from './local-model-folder.js';
