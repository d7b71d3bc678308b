// The exported names of every entry (`exports` key) of every package under packages/:
// values as Node sees them when it imports the built ESM file, types from the entry's
// built .d.ts. Shared by `pnpm api:report` (writes api/*.api.json) and the check in
// tooling/repo-checks (compares with them).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const apiFolder = join(repoRoot, 'api');

/** The package folders under packages/, with their manifests. */
export function workspacePackages() {
  const folder = join(repoRoot, 'packages');
  return readdirSync(folder)
    .sort()
    .map((name) => ({
      folder: join(folder, name),
      manifest: JSON.parse(readFileSync(join(folder, name, 'package.json'), 'utf8')),
    }));
}

/** The ESM file and its declarations for one `exports` entry. */
function entryFiles(target) {
  const esm = typeof target === 'string' ? { default: target } : (target.import ?? target);
  return typeof esm === 'string' ? { default: esm } : esm;
}

/** The exported names of each declaration file, from one TypeScript program over all of them. */
function typeNames(declarationFiles) {
  const program = ts.createProgram(declarationFiles, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  return new Map(
    declarationFiles.map((file) => {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) throw new Error(`api-report: cannot read ${file}: build first`);
      const names = checker.getExportsOfModule(checker.getSymbolAtLocation(sourceFile));
      return [file, names.map((symbol) => symbol.name)];
    }),
  );
}

async function valueNames(manifest, file) {
  try {
    return Object.keys(await import(pathToFileURL(file).href)).sort();
  } catch (error) {
    throw new Error(
      `api-report: cannot import ${file} of ${manifest.name} (${error}): build first`,
    );
  }
}

/** `[{ package, entries: { [entry]: { values, types } } }]` for the given packages, from their dist folders. */
export async function packageApis(packages) {
  const entries = packages.flatMap(({ folder, manifest }) =>
    Object.entries(manifest.exports ?? {})
      .filter(([key]) => key !== './package.json')
      .map(([key, target]) => {
        const files = entryFiles(target);
        const types = files.types ? join(folder, files.types) : undefined;
        return { manifest, key, code: join(folder, files.default), types };
      }),
  );
  const types = typeNames(entries.flatMap((entry) => (entry.types ? [entry.types] : [])));
  const apis = new Map(
    packages.map(({ manifest }) => [manifest.name, { package: manifest.name, entries: {} }]),
  );
  for (const entry of entries) {
    const values = await valueNames(entry.manifest, entry.code);
    const valueSet = new Set(values);
    const typeOnly = (types.get(entry.types) ?? []).filter((name) => !valueSet.has(name));
    apis.get(entry.manifest.name).entries[entry.key] = { values, types: typeOnly.sort() };
  }
  return [...apis.values()];
}

/** Where a package's report lives: api/<folder name>.api.json. */
export function reportPath(packageFolder) {
  return join(apiFolder, `${packageFolder.split('/').pop()}.api.json`);
}
