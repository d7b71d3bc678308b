import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One build so `clean` never races a second config; `bin` keeps its shebang and is made executable.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    bin: 'src/bin.ts',
    // What `@drift-spark/cli` means inside a drift.config.ts (see project/load-config-ts.ts).
    'define-config': 'src/project/define-config.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  target: 'node20',
  // import.meta.url in the CJS build too: `drift demo` finds the table beside the bundle.
  shims: true,
  // The example table ships in the package, so `drift demo` works from an install.
  onSuccess: async () => {
    cpSync('../../examples/tickets', 'dist/demo/tickets', { recursive: true });
  },
});
