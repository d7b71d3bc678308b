import type * as AdapterModule from '@drift-spark/adapter';
import { CliError } from '../../errors/cli-error.js';
import type { ModuleImporter } from '../../plugins/load-plugin.js';

export type AdapterPackage = typeof AdapterModule;

/**
 * @drift-spark/adapter, imported when a step needs it (fitting, evaluating, searching through
 * an adapter), so the other commands never load its linear algebra.
 */
export async function loadAdapterPackage(importer?: ModuleImporter): Promise<AdapterPackage> {
  try {
    return (await (importer
      ? importer('@drift-spark/adapter')
      : import('@drift-spark/adapter'))) as unknown as AdapterPackage;
  } catch (error) {
    throw new CliError(
      'Query adapters need @drift-spark/adapter, which is not installed: install it with "npm install @drift-spark/adapter".',
      { code: 'missing-plugin', cause: error },
    );
  }
}
