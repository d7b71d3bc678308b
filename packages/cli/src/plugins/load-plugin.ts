import { CliError } from '../errors/cli-error.js';
import type { PluginRef } from './plugin-registry.js';

/** Injected in tests: how a package is imported. */
export type ModuleImporter = (packageName: string) => Promise<Record<string, unknown>>;

const defaultImporter: ModuleImporter = (packageName) =>
  import(packageName) as Promise<Record<string, unknown>>;

/**
 * Imports the package and returns its named factory. A package that is not installed,
 * or too old to have the factory, is a one-line error saying what to install.
 */
export async function loadPluginFactory<Factory>(
  plugin: PluginRef,
  purpose: string,
  importer: ModuleImporter = defaultImporter,
  hints: { install?: string; shape?: string } = {},
): Promise<Factory> {
  let module: Record<string, unknown>;
  try {
    module = await importer(plugin.packageName);
  } catch (error) {
    if (isModuleNotFound(error, plugin.packageName)) {
      throw new CliError(
        `${purpose} needs ${plugin.packageName}, which is not installed: install it with "npm install ${plugin.packageName}"${hints.install ?? ''}.`,
        {
          code: 'missing-plugin',
          cause: error,
        },
      );
    }
    throw error;
  }
  const factory = module[plugin.exportName];
  if (typeof factory !== 'function') {
    throw new CliError(
      `${plugin.packageName} has no ${plugin.exportName}(): ${hints.shape ?? `install a version of ${plugin.packageName} that matches @drift-spark/cli`}.`,
      { code: 'missing-plugin' },
    );
  }
  return factory as Factory;
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  const message = String((error as { message?: unknown }).message ?? '');
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    message.includes(packageName)
  );
}
