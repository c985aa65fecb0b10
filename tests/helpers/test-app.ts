import type { FastifyInstance } from 'fastify'
import { type BuildAppOptions, buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config/env.js'
import { LogCapture } from './log-capture.js'
import { createTestDatabase, type TestDatabase } from './test-database.js'

export type TestApp = {
  app: FastifyInstance
  config: Config
  logs: LogCapture
  database: TestDatabase
  /** The recovery key this start created (every test database starts without a team key). */
  recoveryKey: string | undefined
  close(): Promise<void>
  stop(): Promise<void>
}

export type TestAppOptions = {
  /** Extra environment for loadConfig, e.g. { TRUST_PROXY: '127.0.0.1' }. */
  env?: Record<string, string>
  /** Start from an empty database instead of a migrated copy. */
  migrated?: boolean
  /** Adds routes or hooks before the app is ready (probe routes for framework behaviour). */
  extend?: (app: FastifyInstance) => void | Promise<void>
  buildOptions?: Omit<BuildAppOptions, 'logStream'>
  /** Start on this database (a restart) instead of a fresh one; it is then left for its owner to drop. */
  database?: TestDatabase
}

/** The real app, built by the same factory as production, on a fresh database of this run's kind. */
export const createTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const database = options.database ?? (await createTestDatabase({ migrated: options.migrated ?? true }))
  const drop = options.database ? async () => {} : () => database.drop()
  // Tests share one event loop with vitest, so load shedding would trip on the test runner's own work: it is off
  // unless a test turns it on (tests/http/load-shedding.test.ts does).
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    MAX_EVENT_LOOP_UTILIZATION: '1',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // Reports reach the review table right after intake (the same flush as production's schedule), since most
    // tests review what they have just submitted; tests/confidentiality/arrival-order.test.ts tests the batching.
    INTAKE_BATCH_SECONDS: '0',
    ...database.env,
    ...options.env
  })
  const logs = new LogCapture()
  let app: FastifyInstance
  let recoveryKey: string | undefined
  try {
    app = await buildApp(config, {
      onRecoveryKey: (key) => {
        recoveryKey = key
      },
      ...options.buildOptions,
      logStream: logs
    })
    await options.extend?.(app)
    await app.ready()
  } catch (error) {
    await drop()
    throw error
  }

  return {
    app,
    config,
    logs,
    database,
    recoveryKey,
    close: async () => {
      await app.close()
      await drop()
    },
    /** Stops the app but keeps its database, for a restart on it. */
    stop: () => app.close()
  }
}
