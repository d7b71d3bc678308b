import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
  },
  // The testkit imports vitest, so it ships as ESM only.
  {
    entry: { 'testkit/index': 'src/testkit/index.ts' },
    format: ['esm'],
    dts: true,
    target: 'node20',
    external: ['vitest'],
  },
]);
