import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// One suite, two databases: without DATABASE_URL the tests run on embedded PGlite; with it, on that PostgreSQL
// server (tests/setup/global-setup.ts makes a migrated template there and a fresh copy per test file).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    pool: 'forks',
    // Vitest leaves one core free by default, which on a 2-core machine means one file at a time. Most files spend
    // their time waiting (argon2's threads, the database, Chromium, child servers), so two at a time nearly
    // halves the run; the timing-sensitive tests compare medians or allow for a loaded machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Generous: files run two at a time, and some start child servers or CLI processes on a loaded machine.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    reporters: ['default']
  }
})
