import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Writes the template (a gzipped tar of a data folder, from PGlite's `dumpDataDir`) into a
 * new data folder from Node, so PGlite then starts as on a folder it made before. PGlite's
 * own `loadDataDir` unpacks it inside its process in copies (~120 MB more peak RSS than a
 * reopen); this holds the 40 MB tar once. The folder's PG_VERSION is written last: a folder
 * an interrupted copy left without it is still new, and the next start copies again.
 */
export async function extractPgliteTemplate(template: string, dataDir: string): Promise<void> {
  const tar = gunzipSync(await readFile(template));
  let last: { path: string; data: Buffer } | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = text(header, 0, 100);
    if (!name) break; // two zero blocks end the archive
    const prefix = text(header, 345, 155);
    const size = Number.parseInt(text(header, 124, 12) || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const path = join(
      dataDir,
      ...`${prefix ? `${prefix}/` : ''}${name}`.split('/').filter(Boolean),
    );
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === '5') {
      await mkdir(path, { recursive: true, mode: 0o700 });
    } else if (type === '0' || type === '\0') {
      if (path === join(dataDir, 'PG_VERSION')) last = { path, data };
      else await writeTemplateFile(path, data);
    } else {
      throw new Error(`The PGlite template holds an entry of tar type '${type}' (${name}).`);
    }
  }
  if (!last) throw new Error('The PGlite template has no PG_VERSION: it is not a data folder.');
  await writeTemplateFile(last.path, last.data);
}

async function writeTemplateFile(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, data, { mode: 0o600 });
}

/** A NUL-terminated field of a tar header. */
function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field
    .subarray(0, end === -1 ? length : end)
    .toString('utf8')
    .trim();
}
