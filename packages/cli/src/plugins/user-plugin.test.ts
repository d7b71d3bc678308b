import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePackageEntry } from './user-package.js';
import { createUserSink, userEmbedderPlugin, userSinkPlugin } from './user-plugin.js';

/** A project folder with packages installed in its node_modules. */
function project(packages: Record<string, { manifest: object; files: Record<string, string> }>) {
  const root = mkdtempSync(join(tmpdir(), 'drift-user-plugin-'));
  for (const [name, { manifest, files }] of Object.entries(packages)) {
    const directory = join(root, 'node_modules', name);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, ...manifest }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(directory, file), text);
  }
  const cwd = join(root, 'app', 'scripts');
  mkdirSync(cwd, { recursive: true });
  return cwd;
}

const esmOnly = (body: string) => ({
  manifest: { type: 'module', exports: { '.': { types: './x.d.ts', import: './index.js' } } },
  files: { 'index.js': body },
});

describe('plugins named as package+uri and package+model', () => {
  it('splits the package name at the first +, scoped names included, and leaves plain URIs alone', () => {
    expect(userSinkPlugin('my-sink+mem://x?a=1')).toEqual({
      packageName: 'my-sink',
      value: 'mem://x?a=1',
    });
    expect(userSinkPlugin('@acme/lance+lance://./v')).toEqual({
      packageName: '@acme/lance',
      value: 'lance://./v',
    });
    expect(userSinkPlugin('my-sink+svn+ssh://h')).toMatchObject({ value: 'svn+ssh://h' });
    expect(userSinkPlugin('postgres://user:pa+ss@host/db?table=t')).toBeUndefined();
    expect(userSinkPlugin('qdrant://localhost:6333/docs')).toBeUndefined();
    expect(userSinkPlugin('Bad Name+x://y')).toBeUndefined();
    expect(userEmbedderPlugin('@acme/embed+small-v1')).toEqual({
      packageName: '@acme/embed',
      value: 'small-v1',
    });
    expect(userEmbedderPlugin('openai/text-embedding-3-small')).toBeUndefined();
    expect(userEmbedderPlugin('openai/a+b')).toBeUndefined();
  });

  it("resolves an ESM-only package from the user's folder and its parents, not from the CLI's", () => {
    const cwd = project({ 'esm-only': esmOnly('export const a = 1;') });
    expect(resolvePackageEntry('esm-only', cwd)).toBe(
      join(cwd, '..', '..', 'node_modules', 'esm-only', 'index.js'),
    );
    // vitest is installed beside the CLI, not in the user's project.
    expect(resolvePackageEntry('vitest', cwd)).toBeUndefined();
  });

  it('says in one line what is wrong with a missing package, a missing factory or a wrong contract', async () => {
    const cwd = project({
      'no-factory': esmOnly('export const createSink = () => ({});'),
      'old-sink': esmOnly(
        "export const createSinkFromUri = (uri) => ({ specificationVersion: 'v0', id: uri });",
      ),
      'good-sink': esmOnly(
        "export const createSinkFromUri = async (uri) => ({ specificationVersion: 'v1', id: uri });",
      ),
    });
    const sink = (value: string) => createUserSink(userSinkPlugin(value)!, cwd);
    await expect(sink('not-installed+x://y')).rejects.toThrow(
      /^The sink not-installed\+… needs not-installed, which is not installed: install it with "npm install not-installed" in .*app\/scripts/,
    );
    await expect(sink('no-factory+x://y')).rejects.toThrow(
      /^no-factory has no createSinkFromUri\(\): a Drift sink package exports createSinkFromUri\(uri\)/,
    );
    await expect(sink('old-sink+x://y')).rejects.toThrow(
      /^old-sink's createSinkFromUri\(\) returned no Drift sink \(specificationVersion "v0"; this drift speaks 'v1'\)/,
    );
    await expect(sink('good-sink+x://y')).resolves.toMatchObject({ id: 'x://y' });
  });
});
