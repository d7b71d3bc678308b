export {
  type EmbedderMiddleware,
  type WrapEmbedderOptions,
  wrapEmbedder,
} from './embedder-middleware.js';
export { shadowMode, shadowModeMiddleware } from './shadow-mode.js';
