import type { Embedder, EmbedderPrice } from '@drift-spark/core';
import { knownDimensions, knownModelDimensions } from '@drift-spark/core/internal';
import { coreFunction } from '../core-api.js';
import { CliError, usageError } from '../errors/cli-error.js';
import { loadPluginFactory, type ModuleImporter } from '../plugins/load-plugin.js';
import { providerPlugins } from '../plugins/plugin-registry.js';
import { createUserEmbedder, userEmbedderPlugin } from '../plugins/user-plugin.js';

export const defaultModel = 'openai/text-embedding-3-small';

export interface ResolveEmbedderOptions {
  /** `provider/model`. */
  model: string;
  /** Deterministic mock vectors: no key, no provider call, $0. */
  shadow: boolean;
  /** `--price`: USD per 1M tokens, overriding the provider's price. */
  price?: number;
  /** `--dimensions`: for models whose size can be chosen, or for shadow vectors of an unknown model. */
  dimensions?: number;
  env: NodeJS.ProcessEnv;
  importer?: ModuleImporter;
  /** Where an embedder package named as `package+model` is installed; the current folder by default. */
  cwd?: string;
}

export function parseModel(model: string): { provider: string; name: string } {
  const match = /^([a-z0-9-]+)\/(.+)$/i.exec(model.trim());
  if (!match) {
    throw usageError(
      `"${model}" is not a model id: use provider/model, e.g. ${defaultModel} or bedrock/amazon.titan-embed-text-v2:0.`,
    );
  }
  return { provider: match[1]!.toLowerCase(), name: match[2]! };
}

/**
 * `provider/model` → an embedder. A real provider needs its key (checked here, before
 * any run starts); shadow mode never calls the provider and needs none.
 */
export async function resolveEmbedder(options: ResolveEmbedderOptions): Promise<Embedder> {
  const userPlugin = userEmbedderPlugin(options.model);
  if (userPlugin) {
    const made = await createUserEmbedder(
      userPlugin,
      options,
      options.cwd ?? process.cwd(),
      options.importer,
    );
    const embedder = options.shadow ? coreFunction('shadowMode')(made) : made;
    return options.price === undefined
      ? embedder
      : withPrice(embedder, { usdPerMillionTokens: options.price, source: 'user' });
  }
  const { provider, name } = parseModel(options.model);
  const plugin = providerPlugins[provider];
  if (!plugin) {
    throw usageError(
      `Unknown model provider "${provider}" in --model ${options.model}: use ${Object.keys(
        providerPlugins,
      )
        .map((known) => `${known}/…`)
        .join(' or ')}, e.g. ${defaultModel}.`,
    );
  }
  let embedder: Embedder;
  if (options.shadow) {
    embedder = await shadowEmbedder(options, plugin, name);
  } else {
    if (plugin.keyVariable && !options.env[plugin.keyVariable]) {
      throw usageError(
        `${plugin.keyVariable} is not set: export ${plugin.keyVariable} (get a key at ${plugin.keyHelp}), or add --shadow-mode to try Drift with deterministic mock vectors, no key and $0.`,
      );
    }
    const factory = await loadPluginFactory<
      (options: { model: string; dimensions?: number }) => Embedder
    >(plugin, `The model ${options.model}`, options.importer);
    embedder = construct(
      () => factory(withDimensions({ model: name }, options.dimensions)),
      options.model,
    );
  }
  return options.price === undefined
    ? embedder
    : withPrice(embedder, { usdPerMillionTokens: options.price, source: 'user' });
}

async function shadowEmbedder(
  options: ResolveEmbedderOptions,
  plugin: (typeof providerPlugins)[string],
  name: string,
): Promise<Embedder> {
  // Prefer the real provider's description of the model (its dimensions and limits), wrapped so
  // it never calls the provider; fall back to core's shadow embedder when the provider package is absent.
  let factory: ((options: { model: string; dimensions?: number }) => Embedder) | undefined;
  try {
    factory = await loadPluginFactory(plugin!, `The model ${options.model}`, options.importer);
  } catch (error) {
    if (!(error instanceof CliError && error.code === 'missing-plugin')) throw error;
  }
  if (factory) {
    const real = construct(
      () => factory!(withDimensions({ model: name }, options.dimensions)),
      options.model,
    );
    return coreFunction('shadowMode')(real);
  }
  if (options.dimensions === undefined && knownDimensions(options.model) === undefined) {
    throw usageError(
      `Shadow mode does not know the vector size of ${options.model}: pass --dimensions N, or use a known model (${Object.keys(knownModelDimensions).join(', ')}).`,
    );
  }
  return construct(
    () =>
      coreFunction('createShadowEmbedder')(
        withDimensions({ model: options.model }, options.dimensions),
      ),
    options.model,
  );
}

function withDimensions<T extends object>(
  value: T,
  dimensions: number | undefined,
): T & { dimensions?: number } {
  return dimensions === undefined ? value : { ...value, dimensions };
}

function construct(make: () => Embedder, model: string): Embedder {
  try {
    const embedder = make();
    // Factories are lazy; reading the size now makes an unknown model a usage error before any run starts.
    void embedder.dimensions;
    return embedder;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw usageError(
      `Unknown or unsupported model ${model}: ${reason.replace(/pass dimensions\b/, 'pass --dimensions N')}`,
      error,
    );
  }
}

/** The same embedder at another price (`--price`); the run records the price it used. */
export function withPrice(embedder: Embedder, price: EmbedderPrice): Embedder {
  return {
    specificationVersion: embedder.specificationVersion,
    id: embedder.id,
    dimensions: embedder.dimensions,
    fingerprint: embedder.fingerprint,
    limits: embedder.limits,
    price,
    countTokens: (text) => embedder.countTokens(text),
    embed: (texts, callOptions) => embedder.embed(texts, callOptions),
  };
}
