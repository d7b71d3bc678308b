import { mkdir } from 'node:fs/promises';
import { x as extract } from 'tar';

/** An entry's path inside the data folder (the dump names them `/base/1/…`). */
const inFolder = (path: string): string => path.replace(/^(\.?\/)+/, '');
const isVersionFile = (path: string): boolean => inFolder(path) === 'PG_VERSION';

/**
 * Writes the template (a gzipped tar of a data folder, from PGlite's `dumpDataDir`) into a
 * new data folder from Node, so PGlite then starts as on a folder it made before. PGlite's
 * own `loadDataDir` unpacks it inside its process in copies (~120 MB more peak RSS than a
 * reopen); this streams it. The folder's PG_VERSION is written last: a folder an
 * interrupted copy left without it is still new, and the next start copies again.
 */
export async function extractPgliteTemplate(template: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await extract({ file: template, cwd: dataDir, filter: (path) => !isVersionFile(path) });
  let found = false;
  await extract({
    file: template,
    cwd: dataDir,
    filter: (path) => {
      found ||= isVersionFile(path);
      return isVersionFile(path);
    },
  });
  if (!found) throw new Error('The PGlite template has no PG_VERSION: it is not a data folder.');
}
