import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { type DestinationStream, destination, pino } from 'pino'
import type { Config } from './config/env.js'
import type { Database } from './db/database.js'
import { RequestLogController } from './http/log-controller.js'
import { AppError } from './lib/errors.js'
import { createLoggerOptions } from './lib/logger.js'
import { actionsModule } from './modules/actions/index.js'
import { alertsModule } from './modules/alerts/index.js'
import { analysisModule } from './modules/analysis/index.js'
import { bulletinsModule } from './modules/bulletins/index.js'
import { apiKeysModule } from './modules/api-keys/index.js'
import { authModule } from './modules/auth/index.js'
import { codingsModule } from './modules/codings/index.js'
import { consoleModule } from './modules/console/index.js'
import { enrolmentModule } from './modules/enrolment/index.js'
import { formModule } from './modules/form/index.js'
import { healthModule } from './modules/health/index.js'
import { messagesModule } from './modules/messages/index.js'
import { receiptsModule } from './modules/receipts/index.js'
import { redactionModule } from './modules/redaction/index.js'
import { reportsModule } from './modules/reports/index.js'
import { retentionModule } from './modules/retention/index.js'
import { type SummariesSchedule, summariesModule } from './modules/summaries/index.js'
import { reviewModule } from './modules/review/index.js'
import { taxonomyModule } from './modules/taxonomy/index.js'
import { usersModule } from './modules/users/index.js'
import anonymousRateLimitPlugin from './plugins/anonymous-rate-limit.js'
import cryptoPlugin from './plugins/crypto.js'
import sessionsPlugin from './plugins/sessions.js'
import apiKeysPlugin from './plugins/api-keys.js'
import databasePlugin from './plugins/database.js'
import errorHandlerPlugin, { sendError } from './plugins/error-handler.js'
import inputGuardPlugin from './plugins/input-guard.js'
import loadSheddingPlugin from './plugins/load-shedding.js'
import openapiPlugin from './plugins/openapi.js'
import securityHeadersPlugin from './plugins/security-headers.js'

/** R31: no route takes more than 64 KiB; a report's narrative is at most 10,000 characters. */
export const BODY_LIMIT_BYTES = 64 * 1024
const REQUEST_TIMEOUT_MS = 30_000
const CONNECTION_TIMEOUT_MS = 10_000

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

export type BuildAppOptions = {
  /** An open database to use instead of opening the configured one (the caller then closes it). */
  database?: Database
  /** Where log lines go (default stdout); tests pass a stream to read them. */
  logStream?: DestinationStream
  /** Receives the recovery key when this start creates the team key (default: printed to the terminal). */
  onRecoveryKey?: (recoveryKey: string) => void
  /** Tests only: the automatic publication's clock and check interval. */
  summaries?: SummariesSchedule
}

/** Builds the whole service without listening: src/server.ts listens, tests inject. */
export const buildApp = async (config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> => {
  // Synchronous stdout: a line logged just before a crash or exit is written, not left in a buffer.
  const logStream = options.logStream ?? destination({ dest: 1, sync: true })
  const app = Fastify({
    logger: { ...createLoggerOptions(config.logLevel), stream: logStream },
    // Request ids are random and never taken from a client header, which could carry anything into the logs.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // The database plugin migrates at start, which on a busy machine or a large database takes longer than
    // Fastify's default 10 s per plugin.
    pluginTimeout: 120_000,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    // Handled by src/plugins/load-shedding.ts, in the service's error shape and with its security headers.
    return503OnClosing: false,
    // The router's own refusals, in the service's error shape and never echoing the path (which may hold a
    // receipt): a parameter too long to be anything is simply not found; a malformed address is a bad request.
    frameworkErrors: (error, request, reply) => {
      reply.header('cache-control', 'no-store')
      return sendError(
        request,
        reply,
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('NOT_FOUND', 'Not found.')
          : new AppError('BAD_REQUEST', 'The address of this request is not valid.')
      )
    }
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // JSON only: any other body type is answered 415 rather than reaching a route as a string.
  app.removeContentTypeParser('text/plain')

  await app.register(errorHandlerPlugin, {
    anonymousLog: pino(createLoggerOptions(config.logLevel, { dateOnly: true }), logStream)
  })
  await app.register(securityHeadersPlugin)
  await app.register(inputGuardPlugin)
  await app.register(databasePlugin, { config, database: options.database })
  await app.register(loadSheddingPlugin, { config })
  await app.register(cryptoPlugin, { config, onRecoveryKey: options.onRecoveryKey })
  await app.register(anonymousRateLimitPlugin, { config })
  await app.register(sessionsPlugin, { config })
  await app.register(apiKeysPlugin, { config })
  await app.register(openapiPlugin, { version })

  await app.register(healthModule)
  await app.register(formModule, { config })
  await app.register(consoleModule)
  await app.register(redactionModule, { config })
  await app.register(reportsModule, { config })
  await app.register(receiptsModule, { config })
  await app.register(authModule, { config })
  await app.register(taxonomyModule)
  await app.register(reviewModule)
  await app.register(codingsModule)
  await app.register(messagesModule)
  await app.register(analysisModule, { config })
  await app.register(summariesModule, { config, ...options.summaries })
  await app.register(usersModule)
  await app.register(apiKeysModule, { config })
  await app.register(enrolmentModule, { config })
  await app.register(retentionModule, { config })
  await app.register(alertsModule, { config })
  await app.register(actionsModule)
  await app.register(bulletinsModule, { config })

  return app
}
