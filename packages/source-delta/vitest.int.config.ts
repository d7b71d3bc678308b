import { defineConfig } from 'vitest/config';

// Integration tests against real writers (delta-rs through Python deltalake).
export default defineConfig({
  test: {
    include: ['src/**/*.int.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
