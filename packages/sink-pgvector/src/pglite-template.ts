import { readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A new PGlite data folder starts from a template instead of PGlite's own initdb: initdb
 * runs a second PGlite and initdb.wasm inside WebAssembly beside the first, and peaks at
 * ~850 MB RSS; loading the template (an initialized cluster with `create extension
 * vector` done, dumped by `dumpDataDir`, ~5 MB gzipped) peaks near a reopen.
 * The build writes it into dist/ (tsup.config.ts), named by the PGlite version that made
 * it: a data folder only opens in the PostgreSQL it was made by, so another installed
 * PGlite finds no template and runs its own initdb, as before.
 */

const require = createRequire(import.meta.url);

/** The PGlite version installed beside this package. */
export async function installedPgliteVersion(): Promise<string> {
  // The package's exports omit ./package.json: read it beside its main entry (dist/index.cjs).
  const main = require.resolve('@electric-sql/pglite');
  const manifest = JSON.parse(
    await readFile(join(dirname(dirname(main)), 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

/** Where the build puts the template for a PGlite version (the same path from src/ and dist/). */
export function pgliteTemplatePath(version: string): string {
  return fileURLToPath(new URL(`../dist/pglite-template-${version}.tar.gz`, import.meta.url));
}

/** The template for the installed PGlite, or undefined (not built, or another PGlite version). */
export async function findPgliteTemplate(): Promise<string | undefined> {
  const path = pgliteTemplatePath(await installedPgliteVersion());
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the template for the installed PGlite (build time: runs initdb once) and returns its path. */
export async function writePgliteTemplate(): Promise<string> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
  ]);
  const database = await PGlite.create({ extensions: { vector } });
  try {
    await database.exec('create extension if not exists vector');
    const dump = await database.dumpDataDir('gzip');
    const path = pgliteTemplatePath(await installedPgliteVersion());
    await writeFile(path, new Uint8Array(await dump.arrayBuffer()));
    return path;
  } finally {
    await database.close();
  }
}
