import { defineConfig } from 'vitest/config';

// Fitting runs real SVDs and a small MLP; give them room on a loaded machine.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 } });
