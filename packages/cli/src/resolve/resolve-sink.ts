import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { redactSecrets, redactUri, type Sink } from '@drift-spark/core';
import { CliError, usageError } from '../errors/cli-error.js';
import { loadPluginFactory, type ModuleImporter } from '../plugins/load-plugin.js';
import { sinkPlugins } from '../plugins/plugin-registry.js';
import { createUserSink, userSinkPlugin } from '../plugins/user-plugin.js';

/** The scheme of a sink URI, lower-cased, without `://`. */
export function sinkScheme(uri: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri.trim());
  if (!match) {
    throw usageError(`"${redactUri(uri)}" is not a sink URI: use ${exampleSinks()}.`);
  }
  return match[1]!.toLowerCase();
}

export function exampleSinks(): string {
  return 'pglite://./.drift/docs?table=docs, lancedb://./.drift/lancedb?table=docs, postgres://user@host:5432/db?table=docs or qdrant://localhost:6333/docs';
}

export async function createSinkFromUri(
  given: string,
  importer?: ModuleImporter,
  cwd = process.cwd(),
  /** Where a sink says it waits (e.g. for another process on a PGlite folder). */
  note?: (message: string) => void,
): Promise<Sink> {
  const userPlugin = userSinkPlugin(given);
  const scheme = sinkScheme(userPlugin?.value ?? given);
  const uri =
    !userPlugin && (scheme === 'pglite' || scheme === 'lancedb')
      ? absolutePgliteUri(given, cwd)
      : given;
  const plugin = sinkPlugins[scheme];
  if (!plugin && !userPlugin) {
    throw usageError(
      `Unknown sink scheme "${scheme}://": use one of ${Object.keys(sinkPlugins)
        .map((name) => `${name}://`)
        .join(
          ', ',
        )} (e.g. ${exampleSinks()}), or an installed sink package as package+uri (e.g. my-sink+${scheme}://…).`,
    );
  }
  const factory = userPlugin
    ? () => createUserSink(userPlugin, cwd, importer)
    : await loadPluginFactory<
        (uri: string, options?: { onLockWait?: (message: string) => void }) => Sink
      >(plugin!, `The sink ${scheme}://`, importer);
  try {
    return await factory(uri, note ? { onLockWait: note } : {});
  } catch (error) {
    if (error instanceof CliError) throw error;
    // A factory only parses; what it refuses is the URI the user typed.
    throw usageError(
      `Bad sink URI "${redactUri(uri)}": ${redactSecrets(error instanceof Error ? error.message : String(error))}`,
      error,
    );
  }
}

/**
 * The default sink: a table named after the Delta table in the embedded LanceDB database
 * under ./.drift/lancedb (chosen by the numbers in bench/README.md: less memory, less
 * disk, a real index). A PGlite folder an earlier drift made there for the table stays
 * the default, so upgrading never starts a second copy of the vectors.
 */
export function defaultSinkUri(shortName: string, cwd = process.cwd()): string {
  const name = sanitizeName(shortName);
  if (existsSync(join(cwd, '.drift', name, 'PG_VERSION')))
    return `pglite://./.drift/${name}?table=${name}`;
  return `lancedb://./.drift/lancedb?table=${name}`;
}

/**
 * The sink `drift verify` and `drift repair` check when given no --sink: the embedded
 * default `drift embed` wrote for this table, if it did. They never make one: an empty
 * new sink would only report every row missing.
 */
export function existingDefaultSinkUri(command: string, shortName: string, cwd: string): string {
  const uri = defaultSinkUri(shortName, cwd);
  const name = sanitizeName(shortName);
  const folder = uri.startsWith('pglite:')
    ? join(cwd, '.drift', name)
    : join(cwd, '.drift', 'lancedb', `${name}.lance`);
  if (!existsSync(folder))
    throw usageError(
      `drift ${command} needs --sink: no embedded default sink for this table here (${folder} does not exist). Pass the sink drift embed wrote to, e.g. --sink 'postgres://user@host:5432/db?table=${name}', or run it from the folder drift embed ran in.`,
    );
  return uri;
}

/**
 * `pglite://./x` (or `lancedb://./x`) with the folder made absolute, so the sink id the
 * ledger keys on names one database whatever folder a command runs from
 * (`pglite://memory` and an object-store path stay as they are).
 */
export function absolutePgliteUri(uri: string, cwd: string): string {
  const scheme = /^(pglite|lancedb):\/\//i.exec(uri)?.[1]?.toLowerCase() ?? 'pglite';
  const rest = uri.replace(/^(pglite|lancedb):\/\//i, '');
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt);
  if (path === '' || path === 'memory' || /^[a-z][a-z0-9+]*:\/\//i.test(path)) return uri;
  if (isAbsolute(decodeURIComponent(path))) return uri;
  return `${scheme}://${resolvePath(cwd, decodeURIComponent(path))}${query}`;
}

/** A safe SQL identifier / folder name from a table name: lower-case letters, digits, `_`. */
export function sanitizeName(name: string): string {
  let clean = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (clean === '') clean = 'drift';
  if (/^[0-9]/.test(clean)) clean = `t_${clean}`;
  return clean.slice(0, 63);
}
