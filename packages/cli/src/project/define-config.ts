import type { DriftConfig } from './project-schema.js';

/**
 * Typed `drift.config.ts`: `export default defineConfig({ indexes: { … } })`. A module of
 * its own, with no import at run time, so loading a config file loads nothing else.
 */
export function defineConfig(config: DriftConfig): DriftConfig {
  return config;
}
