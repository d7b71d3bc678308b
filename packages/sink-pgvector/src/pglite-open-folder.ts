import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SinkError } from '@drift-spark/core';
import type { PGlite } from '@electric-sql/pglite';
import { findPgliteTemplate } from './pglite-template.js';
import { extractPgliteTemplate } from './pglite-template-extract.js';

/**
 * PostgreSQL's shared_buffers inside PGlite's WASM heap (its default, 128 MB, is
 * zero-filled at start, so it is all resident): 16 MB cut the RSS of a 10k-point load
 * from ~485 to ~347 MB at the same CPU per point (bench/README.md, "Embedded sinks").
 * A start parameter, not a file setting: folders written by older Drift get it too.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/**
 * Starts PGlite with pgvector on a data folder (or in memory). A new folder (no
 * PG_VERSION yet) is loaded from the prebuilt template when there is one (see
 * pglite-template.ts). A damaged folder makes PGlite's WASM abort with "Aborted(). Build
 * with -sASSERTIONS…", which says nothing to a user: that becomes one line naming the
 * folder and what to do.
 */
export async function openPgliteFolder(dataDir: string | undefined): Promise<PGlite> {
  const [{ PGlite }, { vector }, template] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    isNewFolder(dataDir).then((isNew) => (isNew ? findPgliteTemplate() : undefined)),
  ]);
  try {
    // A folder gets the template's files from Node; in memory, PGlite unpacks it itself.
    if (template && dataDir) await extractPgliteTemplate(template, dataDir);
    const loadDataDir =
      template && !dataDir
        ? new Blob([await readFile(template)], { type: 'application/gzip' })
        : undefined;
    return await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
  } catch (error) {
    if (!dataDir) throw error;
    // PGlite's own message ("Aborted(). Build with -sASSERTIONS…") stays in `cause` (DRIFT_DEBUG).
    throw new SinkError(
      `The PGlite folder ${dataDir} cannot be opened: it is damaged, or not a PGlite database. Move it aside (mv "${dataDir}" "${dataDir}.broken") or delete it, and the next run starts a new, empty one.`,
      { cause: error },
    );
  }
}

/** In memory, or a folder PostgreSQL has not been initialized in (PGlite would run initdb). */
async function isNewFolder(dataDir: string | undefined): Promise<boolean> {
  if (!dataDir) return true;
  try {
    await stat(join(dataDir, 'PG_VERSION'));
    return false;
  } catch {
    return true;
  }
}
