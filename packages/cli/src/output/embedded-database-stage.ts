import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Sink } from '@drift-spark/core';
import type { ProgressDisplay } from './progress.js';

/**
 * What to say while an embedded database starts: PGlite (its first start creates the
 * database, ~10 s in WebAssembly) or LanceDB (loading its native library); undefined for
 * any other sink.
 */
export function embeddedDatabaseLabel(sinkId: string, cwd: string): string | undefined {
  const lance = /^lancedb:\/\/([^?]*)/.exec(sinkId)?.[1];
  if (lance !== undefined) {
    if (/^[a-z][a-z0-9+]*:\/\//i.test(lance)) return `opening the LanceDB table at ${lance}`;
    const first = existsSync(lance) ? '' : ' (a first start creates it)';
    return `opening the embedded database (LanceDB) at ${shownPath(lance, cwd)}${first}`;
  }
  const where = /^pglite:\/\/([^?]*)/.exec(sinkId)?.[1];
  if (where === undefined || where === '(instance)') return undefined;
  if (where === 'memory') return 'starting the embedded database (PGlite) in memory';
  const directory = resolve(cwd, where);
  const first = existsSync(join(directory, 'PG_VERSION')) ? '' : ' (a first start creates it)';
  return `starting the embedded database (PGlite) at ${shownPath(directory, cwd)}${first}`;
}

/** A folder as `./inside` when it is under `cwd`, else absolute. */
function shownPath(folder: string, cwd: string): string {
  const directory = resolve(cwd, folder);
  const inside = relative(cwd, directory);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? `./${inside}` : directory;
}

/** Makes the sink's `open()` say what it is doing, for the seconds an embedded database takes. */
export function announceSinkOpen(sink: Sink, progress: ProgressDisplay, cwd: string): void {
  const label = embeddedDatabaseLabel(sink.id, cwd);
  if (label === undefined) return;
  const open = sink.open.bind(sink);
  sink.open = async (options) => {
    progress.stage(label);
    try {
      // The result says whether the store was created: the engine repairs a lost sink by it.
      return await open(options);
    } finally {
      progress.stageEnd();
    }
  };
}
