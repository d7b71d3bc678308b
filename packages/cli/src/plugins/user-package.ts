import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleImporter } from './load-plugin.js';

/** npm's rule for a package name, scoped or not. */
const packageNamePattern = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function isPackageName(value: string): boolean {
  return packageNamePattern.test(value);
}

/**
 * An importer for packages installed in the user's project: resolved from `cwd` and its
 * parents (node_modules, as an ESM import looks them up), never from the CLI's own dependencies,
 * so a globally installed `drift` finds the plugin the project installed.
 */
export function projectImporter(cwd: string): ModuleImporter {
  return async (packageName) => {
    const entry = resolvePackageEntry(packageName, cwd);
    if (entry === undefined) {
      const error = new Error(`Cannot find package '${packageName}' from ${cwd}`) as Error & {
        code: string;
      };
      error.code = 'ERR_MODULE_NOT_FOUND';
      throw error;
    }
    return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  };
}

/** The file a package's ESM entry names (`exports` with `import`/`node`/`default`, else `module`/`main`). */
export function resolvePackageEntry(packageName: string, cwd: string): string | undefined {
  for (const folder of nodeModulesFolders(cwd)) {
    const directory = join(folder, packageName);
    const manifestPath = join(directory, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      exports?: unknown;
      module?: string;
      main?: string;
    };
    const target =
      manifest.exports === undefined
        ? (manifest.module ?? manifest.main ?? 'index.js')
        : pickExport(rootExport(manifest.exports));
    return target === undefined ? undefined : join(directory, target);
  }
  return undefined;
}

/** `node_modules` of the folder and of each parent: where an ESM import looks (not NODE_PATH). */
function nodeModulesFolders(cwd: string): string[] {
  const folders: string[] = [];
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (basename(folder) !== 'node_modules') folders.push(join(folder, 'node_modules'));
    if (dirname(folder) === folder) return folders;
  }
}

/** `exports` is the root entry itself, or a map of subpaths holding `"."`. */
function rootExport(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return exports;
  const keys = Object.keys(exports);
  return keys.some((key) => key.startsWith('.'))
    ? (exports as Record<string, unknown>)['.']
    : exports;
}

/** Follows the conditions an ESM import in Node matches, in the package's own order. */
function pickExport(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const picked = pickExport(item);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [condition, target] of Object.entries(value)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const picked = pickExport(target);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}
