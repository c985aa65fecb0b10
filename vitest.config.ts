import { defineConfig } from 'vitest/config'

// One suite, two databases: without DATABASE_URL the tests run on embedded PGlite; with it, on that PostgreSQL
// server (tests/setup/global-setup.ts makes a migrated template there and a fresh copy per test file).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default']
  }
})
