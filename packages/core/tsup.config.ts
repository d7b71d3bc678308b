import { defineConfig } from 'tsup';

// One build per format with every entry in it: entries share chunks instead of each
// bundling its own copy of core (one `DriftError` class for main, internal and testkit).
const shared = { dts: true, target: 'node20', splitting: true, external: ['vitest'] } as const;

export default defineConfig([
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      internal: 'src/internal.ts',
      'testkit/index': 'src/testkit/index.ts',
    },
    format: ['esm'],
    clean: true,
  },
  // The testkit imports vitest, so it ships as ESM only.
  { ...shared, entry: { index: 'src/index.ts', internal: 'src/internal.ts' }, format: ['cjs'] },
]);
