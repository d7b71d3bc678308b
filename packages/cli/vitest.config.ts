import { defineConfig } from 'vitest/config';

// The in-process CLI tests read the real example Delta table; allow for a busy 2-core machine.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 } });
