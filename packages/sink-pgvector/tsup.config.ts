import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CJS build too: the PGlite template is found beside the bundle.
  shims: true,
  // A new PGlite folder starts from this template, not from initdb inside WASM (~850 MB RSS).
  onSuccess: async () => {
    const { writePgliteTemplate } = await import('./src/pglite-template.js');
    await writePgliteTemplate();
  },
});
