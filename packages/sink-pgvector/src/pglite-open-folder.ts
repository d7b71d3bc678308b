import { SinkError } from '@drift-spark/core';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Starts PGlite with pgvector on a data folder (or in memory). A damaged folder makes
 * PGlite's WASM abort with "Aborted(). Build with -sASSERTIONS…", which says nothing to
 * a user: that becomes one line naming the folder and what to do.
 */
export async function openPgliteFolder(dataDir: string | undefined): Promise<PGlite> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
  ]);
  try {
    return await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  } catch (error) {
    if (!dataDir) throw error;
    // PGlite's own message ("Aborted(). Build with -sASSERTIONS…") stays in `cause` (DRIFT_DEBUG).
    throw new SinkError(
      `The PGlite folder ${dataDir} cannot be opened: it is damaged, or not a PGlite database. Move it aside (mv "${dataDir}" "${dataDir}.broken") or delete it, and the next run starts a new, empty one.`,
      { cause: error },
    );
  }
}
