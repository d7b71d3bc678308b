import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../cli-harness.js';

/** Helpers for the packaging test: pack every package as pnpm publishes it, install the tarballs with plain npm. */

const run = promisify(execFile);

export interface Packed {
  /** npm name → absolute path of its tarball. */
  tarballs: Map<string, string>;
}

/** The packages that are published: packages/* that are not private. */
export function publishedPackages(): { name: string; dir: string }[] {
  return readdirSync(join(repoRoot, 'packages'))
    .map((folder) => join(repoRoot, 'packages', folder))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir }));
}

/** `pnpm pack` every published package (workspace:* becomes the real version), two at a time. */
export async function packAll(destination: string): Promise<Packed> {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  const queue = publishedPackages();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
        cwd: next.dir,
      });
      const { filename } = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string };
      tarballs.set(next.name, filename);
    }
  };
  await Promise.all([worker(), worker()]);
  return { tarballs };
}

/** The files of a tarball, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}

/** One file of a tarball, as text. */
export async function tarballFile(tarball: string, path: string): Promise<string> {
  const { stdout } = await run('tar', ['-xzOf', tarball, `package/${path}`], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * Installs tarballs with plain npm into an empty project folder (outside the workspace).
 * Scripts are not run: better-sqlite3 would download a prebuilt addon from GitHub (not
 * reachable from CI) or compile SQLite for minutes; the install takes the version the
 * workspace built (within the ledger's range) and that build is copied in (every Node 20
 * shares its ABI).
 */
export async function npmInstall(
  dir: string,
  specs: string[],
  options: { type?: 'module' | 'commonjs' } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'drift-pack-test', private: true, type: options.type ?? 'module' }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...specs,
      `better-sqlite3@${workspaceSqlite().version}`,
    ],
    { cwd: dir, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  provideSqliteAddon(dir);
}

/** npm without the workspace's pnpm settings leaking in (npm_config_* from a pnpm script). */
export function npmEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('npm_') || name.startsWith('PNPM_') || name === 'NODE_OPTIONS')
      delete env[name];
  }
  return env;
}

/** The better-sqlite3 the workspace installed and built. */
function workspaceSqlite(): { version: string; addon: string } {
  const dir = join(repoRoot, 'packages/ledger/node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { version, addon: join(dir, 'build/Release/better_sqlite3.node') };
}

function provideSqliteAddon(dir: string): void {
  const release = join(dir, 'node_modules/better-sqlite3/build/Release');
  mkdirSync(release, { recursive: true });
  copyFileSync(workspaceSqlite().addon, join(release, 'better_sqlite3.node'));
}

/** Every package name under a node_modules tree, nested ones included. */
export function installedPackageNames(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const folders = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((child) => `${entry}/${child}`)
        : [entry];
      for (const name of folders) {
        names.add(name);
        walk(join(modules, name, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return names;
}

/**
 * A Node binary of the given version from the npm registry (the `node` package, cached by
 * npx), so the lowest version the packages' `engines` name is the one tested.
 */
export async function nodeBinary(version: string): Promise<string> {
  const { stdout } = await run(
    'npm',
    ['exec', '--yes', `--package=node@${version}`, '--', 'node', '-p', 'process.execPath'],
    { env: npmEnv() },
  );
  return stdout.trim();
}

/** Runs a program and returns its exit code and output, never throwing on a non-zero exit. */
export async function runProgram(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}
