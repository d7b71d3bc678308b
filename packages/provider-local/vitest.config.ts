import { defineConfig } from 'vitest/config';

// The tests run real ONNX models: fetched once (scripts/models/fetch.sh) before any test starts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/testing/fetch-models.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
