export type { LocalEmbedderOptions } from './local-embedder.js';
export { createLocalEmbedder, localPrice } from './local-embedder.js';
export type { LocalModelInfo, LocalPooling } from './local-model-folder.js';
export {
  defaultModelsDir,
  localModelName,
  readLocalModel,
  requiredModelFiles,
} from './local-model-folder.js';
