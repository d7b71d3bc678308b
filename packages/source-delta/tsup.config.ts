import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', store: 'src/store/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS build (zstd-native.ts requires koffi relative to itself)
  shims: true,
});
