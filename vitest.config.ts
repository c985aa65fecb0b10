import { availableParallelism } from 'node:os'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Files that use no database of the run's kind (library code, docs, configuration, the embedded database's lock
 * file, the schema diff on its own in-memory PGlite): they run once, in the embedded run, and the PostgreSQL run
 * (DATABASE_URL set) leaves them out. A file that starts using the database belongs elsewhere.
 */
const DATABASE_FREE = [
  'tests/lib/**',
  'tests/redaction/**',
  'tests/config/**',
  'tests/docs/**',
  'tests/db/pglite-lock.test.ts',
  'tests/cli/admin-socket.test.ts',
  'tests/db/schema-diff.test.ts',
  'tests/summaries/disclosure-links.test.ts',
  'tests/bulletins/builder.test.ts',
  'tests/console/console-build.test.ts'
]

// One suite, two databases: without DATABASE_URL the tests run on embedded PGlite; with it, on that PostgreSQL
// server (tests/setup/global-setup.ts makes a migrated template there and a fresh copy per test file).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.DATABASE_URL ? DATABASE_FREE : [])],
    globalSetup: ['tests/setup/global-setup.ts', 'tests/setup/console-build.ts'],
    pool: 'forks',
    // Vitest leaves one core free by default, which on a 2-core machine means one file at a time. Most files spend
    // their time waiting (argon2's threads, the database, Chromium, child servers, the intake batch clock), so one
    // file more than there are cores keeps the cores busy: on 2 cores, two files at a time used 158% of the CPU and
    // three 175%, 516 s → 441 s for the embedded run. The timing-sensitive tests compare medians or allow for a
    // loaded machine.
    maxWorkers: availableParallelism() + 1,
    // Each worker keeps its loaded modules from one test file to the next. Loading the app (Prisma's client,
    // PGlite, libsodium, the redaction word lists, HiGHS) costs ~2 s a file, and warm code runs the tests faster
    // too: about 40% off the suite. Tests hold no module-level state that matters: each builds its own app on its
    // own fresh database.
    isolate: false,
    // Generous: files run two at a time, and some start child servers or CLI processes on a loaded machine.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    reporters: ['default']
  }
})
