import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native models and child processes: separate forks keep one test file's crash from taking down others.
    pool: 'forks',
    // Two cores: more parallel files than that only makes llama.cpp and ONNX fight for them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
