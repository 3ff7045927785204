import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: renders inside tests already use both; running files in parallel only thrashes.
    fileParallelism: false,
  },
})
