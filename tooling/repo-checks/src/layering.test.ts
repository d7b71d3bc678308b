import { describe, expect, it } from 'vitest';
import { workspaceImports, workspacePackages } from './workspace-manifests.js';

/**
 * The arrow of dependencies points toward core (DESIGN §1): a plugin depends at run time
 * on `@drift-spark/core` alone, core on no workspace package, the CLI on any. The few
 * plugins that build on another package are listed here, each with its reason.
 */
const allowed: Record<string, Record<string, string>> = {
  '@drift-spark/source-delta-spark': {
    '@drift-spark/spark-connect': 'the Spark engine runs its SQL through the Spark Connect client',
  },
  '@drift-spark/delta-store-s3': {
    '@drift-spark/source-delta':
      'an object store for the native Delta reader (its ./store contract)',
  },
  '@drift-spark/delta-store-azure': {
    '@drift-spark/source-delta':
      'an object store for the native Delta reader (its ./store contract)',
  },
  '@drift-spark/delta-store-gcs': {
    '@drift-spark/source-delta':
      'an object store for the native Delta reader (its ./store contract)',
  },
};
const core = '@drift-spark/core';
const cli = '@drift-spark/cli';
const packages = workspacePackages();

describe('package layering', () => {
  it('core depends on no workspace package', () => {
    const manifest = packages.find((entry) => entry.name === core);
    expect(manifest?.runtime).toEqual([]);
  });

  it.each(packages.filter((entry) => entry.name !== core && entry.name !== cli))(
    '$name depends at run time only on core, or on what the list of exceptions allows',
    ({ name, runtime }) => {
      const exceptions = allowed[name] ?? {};
      const wrong = runtime.filter((dependency) => dependency !== core && !exceptions[dependency]);
      expect(
        wrong,
        `${name} depends on ${wrong.join(', ')}: a plugin depends only on ${core}; add a justified exception in this test if it must`,
      ).toEqual([]);
    },
  );

  it('every exception is still needed', () => {
    const unused = Object.entries(allowed).flatMap(([name, exceptions]) =>
      Object.keys(exceptions)
        .filter(
          (dependency) =>
            !packages.find((entry) => entry.name === name)?.runtime.includes(dependency),
        )
        .map((dependency) => `${name} → ${dependency}`),
    );
    expect(unused, 'remove these exceptions from layering.test.ts').toEqual([]);
  });
});

describe('source imports match the manifests', () => {
  it.each(packages)('$name imports only the workspace packages its manifest lists', (entry) => {
    const wrong = workspaceImports(entry.folder)
      .filter(({ name, test }) => {
        if (name === entry.name || entry.runtime.includes(name)) return false;
        return !(test && entry.development.includes(name));
      })
      .map(({ file, name, test }) =>
        test
          ? `${file} imports ${name}, in neither dependencies nor devDependencies`
          : `${file} imports ${name}, not in dependencies`,
      );
    expect(wrong).toEqual([]);
  });
});
