import { defineConfig } from 'vitest/config';

// Integration tests against real backends (a Spark Connect server: SPARK_REMOTE).
export default defineConfig({
  test: {
    include: ['src/**/*.int.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
