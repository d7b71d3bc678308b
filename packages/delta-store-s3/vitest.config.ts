import { defineConfig } from 'vitest/config';

// The tests talk to a local server through the real SDKs; give them room on a loaded machine.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 } });
