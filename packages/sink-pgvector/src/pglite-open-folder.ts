import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SinkError } from '@drift-spark/core';
import type { PGlite } from '@electric-sql/pglite';
import { findPgliteTemplate } from './pglite-template.js';
import { extractPgliteTemplate } from './pglite-template-extract.js';

/**
 * PostgreSQL settings PGlite starts with, on top of its own. Start parameters, not file
 * settings: folders written by older Drift get them too.
 * - shared_buffers: PGlite's default, 128 MB, sits in its WASM heap and is all resident;
 *   16 MB cut the RSS of a 10k-point load from ~485 to ~347 MB at the same CPU per point.
 * - max_wal_size: the default 1 GB of WAL stays on disk beside the table (785 MB of a
 *   1.7 GB folder after 100k × 1536-d points); 64 MB checkpoints every ~10k such points,
 *   each flushing at most the 16 MB of buffers. (bench/README.md, "Embedded sinks".)
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB', 'max_wal_size=64MB', 'min_wal_size=32MB'];

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
      startParams: [
        ...PGlite.defaultStartParams,
        ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting]),
      ],
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
