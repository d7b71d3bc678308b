import type { Embedder, Sink } from '@drift-spark/core';
import { CliError } from '../errors/cli-error.js';
import { loadPluginFactory, type ModuleImporter } from './load-plugin.js';
import { isPackageName, projectImporter } from './user-package.js';

/**
 * A plugin the user installed, named in front of a sink URI or a model with a `+`:
 * `--sink 'my-sink+lance://./vectors'`, `--model '@acme/drift-embedder+small-v1'`. The
 * package is imported from the current folder's project, and its factory gets what follows
 * the `+`. npm names never hold a `+`, so the first one ends the name.
 */
export interface UserPluginRef {
  packageName: string;
  /** The sink URI or model the factory receives. */
  value: string;
}

/** `<package>+<uri>`, the `+` before the URI's `://`; undefined for a plain URI. */
export function userSinkPlugin(uri: string): UserPluginRef | undefined {
  const scheme = uri.trim().split('://')[0]!;
  return split(uri.trim(), scheme.indexOf('+'));
}

/** `<package>+<model>`; undefined for `provider/model`. */
export function userEmbedderPlugin(model: string): UserPluginRef | undefined {
  return split(model.trim(), model.trim().indexOf('+'));
}

function split(text: string, plus: number): UserPluginRef | undefined {
  if (plus <= 0) return undefined;
  const packageName = text.slice(0, plus);
  const value = text.slice(plus + 1);
  return isPackageName(packageName) && value !== '' ? { packageName, value } : undefined;
}

const guide = 'see "Writing a sink" in the Drift README';

/** The sink the user's package makes from the URI: its `createSinkFromUri(uri)` export. */
export async function createUserSink(
  plugin: UserPluginRef,
  cwd: string,
  importer?: ModuleImporter,
): Promise<Sink> {
  const factory = await loadUserFactory<(uri: string) => Sink | Promise<Sink>>(
    plugin,
    'createSinkFromUri',
    `The sink ${plugin.packageName}+…`,
    `a Drift sink package exports createSinkFromUri(uri) returning a sink (${guide})`,
    cwd,
    importer,
  );
  return checkSpecification(await factory(plugin.value), plugin, 'createSinkFromUri', 'sink');
}

/** The embedder the user's package makes for the model: its `createEmbedder({ model, dimensions })` export. */
export async function createUserEmbedder(
  plugin: UserPluginRef,
  options: { dimensions?: number },
  cwd: string,
  importer?: ModuleImporter,
): Promise<Embedder> {
  const factory = await loadUserFactory<
    (options: { model: string; dimensions?: number }) => Embedder | Promise<Embedder>
  >(
    plugin,
    'createEmbedder',
    `The model ${plugin.packageName}+…`,
    `a Drift embedder package exports createEmbedder({ model, dimensions }) returning an embedder (${guide})`,
    cwd,
    importer,
  );
  const made = await factory({
    model: plugin.value,
    ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
  });
  return checkSpecification(made, plugin, 'createEmbedder', 'embedder');
}

function loadUserFactory<Factory>(
  plugin: UserPluginRef,
  exportName: string,
  purpose: string,
  shape: string,
  cwd: string,
  importer: ModuleImporter | undefined,
): Promise<Factory> {
  return loadPluginFactory<Factory>(
    { packageName: plugin.packageName, exportName },
    purpose,
    importer ?? projectImporter(cwd),
    { install: ` in ${cwd} (Drift looks in this folder's node_modules and its parents')`, shape },
  );
}

/** The object must speak the contract this CLI speaks; the engine checks again at run time. */
function checkSpecification<T>(
  made: T,
  plugin: UserPluginRef,
  exportName: string,
  kind: string,
): T {
  const version =
    typeof made === 'object' && made !== null
      ? (made as { specificationVersion?: unknown }).specificationVersion
      : undefined;
  if (version !== 'v1') {
    const found =
      version === undefined
        ? 'no specificationVersion'
        : `specificationVersion ${JSON.stringify(version)}`;
    throw new CliError(
      `${plugin.packageName}'s ${exportName}() returned no Drift ${kind} (${found}; this drift speaks 'v1'): ${guide}.`,
      { code: 'bad-plugin' },
    );
  }
  return made;
}
