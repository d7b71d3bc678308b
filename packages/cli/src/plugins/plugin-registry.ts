/**
 * Which package serves which URI scheme or model provider. The CLI loads a plugin only
 * when a command needs it (dynamic import), so a missing package is one clear line
 * saying what to install, and a user of pgvector never loads the Qdrant client.
 */

export interface PluginRef {
  /** The npm package that holds the factory. */
  packageName: string;
  /** The named export to call. */
  exportName: string;
}

export interface SinkPluginRef extends PluginRef {
  /** Called with the full sink URI. */
  kind: 'sink';
}

export interface ProviderPluginRef extends PluginRef {
  kind: 'provider';
  /** Environment variable holding the API key, when the provider needs one (checked before a real run). */
  keyVariable?: string;
  /** Where to get that key. */
  keyHelp?: string;
}

const pgvector: SinkPluginRef = {
  kind: 'sink',
  packageName: '@drift-spark/sink-pgvector',
  exportName: 'createPgvectorSinkFromUri',
};
const qdrant: SinkPluginRef = {
  kind: 'sink',
  packageName: '@drift-spark/sink-qdrant',
  exportName: 'createQdrantSinkFromUri',
};
const lancedb: SinkPluginRef = {
  kind: 'sink',
  packageName: '@drift-spark/sink-lancedb',
  exportName: 'createLancedbSinkFromUri',
};

/** Sink URI scheme (without `://`) → plugin. */
export const sinkPlugins: Readonly<Record<string, SinkPluginRef>> = {
  pglite: pgvector,
  pg: pgvector,
  postgres: pgvector,
  postgresql: pgvector,
  qdrant,
  qdrants: qdrant,
  lancedb,
};

/** Model provider prefix (`openai` in `openai/text-embedding-3-small`) → plugin. */
export const providerPlugins: Readonly<Record<string, ProviderPluginRef>> = {
  openai: {
    kind: 'provider',
    packageName: '@drift-spark/provider-openai',
    exportName: 'createOpenAIEmbedder',
    keyVariable: 'OPENAI_API_KEY',
    keyHelp: 'https://platform.openai.com/api-keys',
  },
  bedrock: {
    kind: 'provider',
    packageName: '@drift-spark/provider-bedrock',
    exportName: 'createBedrockEmbedder',
  },
  // ONNX models run in-process from DRIFT_MODELS_DIR (default ~/.cache/drift/models): no key.
  local: {
    kind: 'provider',
    packageName: '@drift-spark/provider-local',
    exportName: 'createLocalEmbedder',
  },
};

export const ledgerPlugin: PluginRef = {
  packageName: '@drift-spark/ledger',
  exportName: 'createSqliteLedger',
};
export const deltaSourcePlugin: PluginRef = {
  packageName: '@drift-spark/source-delta',
  exportName: 'createDeltaSource',
};
export const sparkSourcePlugin: PluginRef = {
  packageName: '@drift-spark/source-delta-spark',
  exportName: 'createSparkDeltaSource',
};
/** Reads `s3://`, `az://`, `abfss://`, `gs://` table URIs (source-delta's one parser). */
export const tableUriParser: PluginRef = {
  packageName: '@drift-spark/source-delta',
  exportName: 'parseTableUri',
};
/** Loads an object store's file system from its own package (`@drift-spark/delta-store-*`). */
export const storeFileSystemPlugin: PluginRef = {
  packageName: '@drift-spark/source-delta',
  exportName: 'createStoreFileSystem',
};
