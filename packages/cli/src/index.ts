export type { CliIo, OutputStream } from './cli-io.js';
export { CliError, ExitCode } from './errors/cli-error.js';
export { describeError } from './errors/describe-error.js';
export { loadPluginFactory, type ModuleImporter } from './plugins/load-plugin.js';
export {
  type PluginRef,
  type ProviderPluginRef,
  providerPlugins,
  type SinkPluginRef,
  sinkPlugins,
} from './plugins/plugin-registry.js';
export { cliVersion, createProgram, runCli } from './program.js';
export { defineConfig } from './project/define-config.js';
export type { DriftConfig } from './project/project-schema.js';
export { defaultModel, parseModel, resolveEmbedder } from './resolve/resolve-embedder.js';
export { ledgerPath } from './resolve/resolve-ledger.js';
export { createSinkFromUri, defaultSinkUri, sanitizeName } from './resolve/resolve-sink.js';
export { parseTable } from './resolve/resolve-table.js';
