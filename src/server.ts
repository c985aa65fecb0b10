import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { adminCommand } from './cli/admin-commands.js'
import { adminSocketPath, startAdminSocket } from './cli/admin-socket.js'
import { loadDotEnv } from './config/dotenv.js'
import { type Config, loadConfig } from './config/env.js'

export type StartServerOptions = {
  /** Called after the app is built and before it listens (tests add probe routes here). */
  beforeListen?: (app: FastifyInstance) => void | Promise<void>
}

/**
 * Issue 14.7: on PostgreSQL in production the server secret must come from outside the database, or a copy of the
 * database opens reviewers' TOTP secrets. The embedded quick start may still generate one (it warns at start how to
 * move it out); a real deployment is refused until SERVER_SECRET is set.
 */
export const productionSecretProblem = (config: Config): string | undefined =>
  config.isProduction && config.database.kind === 'postgres' && !config.serverSecret
    ? 'SERVER_SECRET is not set. With DATABASE_URL and NODE_ENV=production it is required, so that a copy of the ' +
      "database cannot open reviewers' TOTP secrets: set it from a secrets manager (openssl rand -base64 32). A " +
      'deployment that has run without it has a generated secret in the database: print it with ' +
      '`npm run --silent admin -- server-secret --show`, set SERVER_SECRET to it, then run ' +
      '`admin -- server-secret --forget` (docs/keys.md, "The server secret").'
    : undefined

/**
 * Builds the app, listens, and on SIGTERM/SIGINT stops taking new requests, lets in-flight ones finish within
 * SHUTDOWN_GRACE_MS, then closes the database (R35). Past the grace period the process exits non-zero.
 */
export const startServer = async (config: Config, options: StartServerOptions = {}): Promise<FastifyInstance> => {
  const problem = productionSecretProblem(config)
  if (problem) {
    throw new Error(problem)
  }
  const app = await buildApp(config)
  // Admin commands beside this server (issue 14.2): on the embedded database only this process may open the files,
  // so `npm run admin` sends its command here (src/cli/admin-socket.ts). PostgreSQL is shared; no socket is needed.
  if (config.database.kind === 'pglite') {
    const db = app.db
    const socketPath = adminSocketPath(config.dataDir)
    try {
      const socket = await startAdminSocket(socketPath, (args, io) => {
        // The command's name only: its arguments name accounts, and its input is secrets.
        app.log.info({ command: args[0] }, 'admin command run for the CLI')
        return adminCommand(args, { ...io, server: { db, config } })
      })
      // preClose: before the database closes (onClose), with any command still running finished first.
      app.addHook('preClose', () => socket.close())
    } catch (error) {
      // No reason to refuse service (a path too long for a socket, a directory not ours): admin commands then need
      // the server stopped, as before.
      app.log.warn(
        { err: error },
        `admin socket not started (${socketPath}): admin commands need the server stopped on the embedded database`
      )
    }
  }
  await options.beforeListen?.(app)

  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) {
      app.log.fatal({ err }, 'unexpected error, shutting down')
    } else {
      app.log.info({ signal }, 'shutting down')
    }
    await app.close()
    app.log.info('shut down cleanly')
  })

  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await app.close()
    throw error
  }

  return app
}

const main = async () => {
  loadDotEnv()
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    process.stderr.write(`Candid cannot start. ${(error as Error).message}\n`)
    process.exit(1)
  }
  try {
    await startServer(config)
  } catch (error) {
    process.stderr.write(`Candid cannot start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
}
