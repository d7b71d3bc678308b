import { defineConfig } from 'tsup';

// One build so `clean` never races a second config; `bin` keeps its shebang and is made executable.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  target: 'node20',
});
