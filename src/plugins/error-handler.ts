import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { AppError, codeForStatus, GENERIC_INTERNAL_MESSAGE, isAppError } from '../lib/errors.js'

/**
 * The only place errors become HTTP. Every error answer has the shape { error, message, requestId }.
 * Client errors are answered with a message written here, never one built from the input (V8's JSON.parse
 * message quotes the body, for one), and are not logged beyond their code; server errors are logged in full and
 * answered with a generic message.
 */

const FRAMEWORK_ERRORS: Record<string, (error: FastifyError) => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here; send application/json.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new AppError('BAD_REQUEST', 'The Content-Length header does not match the body.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new AppError('BAD_REQUEST', 'The request body is empty; send a JSON object.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new AppError('BAD_REQUEST', 'The request body is not valid JSON.'),
  FST_UNDER_PRESSURE: () =>
    new AppError('SERVICE_UNAVAILABLE', 'The service is busy or not ready. Please try again shortly.'),
  FST_ERR_NOT_FOUND: () => new AppError('NOT_FOUND', 'Not found.')
}

type ValidationIssue = { instancePath?: string; message?: string }

const describeValidation = (context: string | undefined, issues: readonly ValidationIssue[]): string =>
  issues
    .slice(0, 5)
    .map((issue) => {
      const field = [context ?? 'request', ...(issue.instancePath ?? '').split('/').filter(Boolean)].join('.')

      return `${field}: ${issue.message ?? 'is not valid'}`
    })
    .join('; ')

/**
 * Prisma's codes for a transaction that could not start or finish in time (P2028: no connection free within
 * maxWait, or the work outlived its timeout, e.g. waiting on a publication's lock) and for a write conflict or
 * deadlock (P2034), and PostgreSQL's for lock and statement timeouts. None is the request's fault or a bug: the
 * same request succeeds once the database is less busy, so it is a 503 to retry, not a 500.
 */
const BUSY_DATABASE_CODES = new Set(['P2028', 'P2034', '40001', '40P01', '55P03', '57014'])

type RawQueryMeta = { driverAdapterError?: { cause?: { code?: unknown } } }

/**
 * The database's own code for `error`: a raw query that fails reaches here as Prisma's P2010 ("raw query failed"),
 * with PostgreSQL's SQLSTATE (57014 for a statement timeout) inside, from the driver adapter.
 */
const databaseCode = (error: FastifyError): string | undefined => {
  if (error.code !== 'P2010') return error.code
  const code = (error as FastifyError & { meta?: RawQueryMeta }).meta?.driverAdapterError?.cause?.code
  return typeof code === 'string' ? code : error.code
}

const isBusyDatabase = (error: FastifyError) => {
  const code = databaseCode(error)
  return code !== undefined && BUSY_DATABASE_CODES.has(code)
}

const BUSY = () =>
  new AppError('SERVICE_UNAVAILABLE', 'The service is busy. Please try again in a moment.', {
    headers: { 'retry-after': '2' }
  })

const toAppError = (error: FastifyError): AppError => {
  if (isAppError(error)) {
    return error
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError('VALIDATION_FAILED', describeValidation(error.validationContext, error.validation))
  }
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined
  if (known) {
    return known(error)
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError('BAD_REQUEST', 'The request body is not valid JSON.')
  }
  if (isBusyDatabase(error)) {
    return BUSY()
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500
  if (status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    return new AppError(codeForStatus(status), 'The request could not be processed.')
  }

  return new AppError('INTERNAL', GENERIC_INTERNAL_MESSAGE, { cause: error })
}

/** Sets status and headers for `appError` on `reply` and returns the body to send. */
export const prepareError = (request: FastifyRequest, reply: FastifyReply, appError: AppError) => {
  reply.code(appError.statusCode).headers(appError.headers).type('application/json; charset=utf-8')

  return { error: appError.code, message: appError.message, requestId: request.id }
}

export const sendError = (request: FastifyRequest, reply: FastifyReply, appError: AppError) =>
  reply.send(prepareError(request, reply, appError))

export type ErrorHandlerOptions = {
  /**
   * Where server errors on anonymous routes are logged: a logger stamping the date only, and given no request
   * id or route, so that the line cannot say when someone tried to file a report.
   */
  anonymousLog?: Pick<FastifyBaseLogger, 'error' | 'warn' | 'debug'>
}

export default fp<ErrorHandlerOptions>(
  async (app, { anonymousLog }) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error)
      // Every line about an anonymous request goes to the date-only logger, whatever its level: a busy database or
      // a refusal on the intake or receipt routes must not say to the second when someone used them.
      const anonymous = request.routeOptions.config.anonymous === true && anonymousLog !== undefined
      const log = anonymous ? anonymousLog : request.log
      if (appError.statusCode >= 500 && appError.code !== 'SERVICE_UNAVAILABLE') {
        if (anonymous) {
          log.error({ err: error }, 'an anonymous request failed')
        } else {
          log.error({ err: error, req: request }, 'request failed')
        }
      } else if (isBusyDatabase(error)) {
        // Worth an operator's eye if frequent (pool too small, a long publication), but carries nothing of the request.
        log.warn({ event: 'database-busy', dbCode: databaseCode(error) }, 'database busy; answered 503')
      } else {
        log.debug({ code: appError.code, status: appError.statusCode }, 'request refused')
      }

      return sendError(request, reply, appError)
    })

    app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('NOT_FOUND', 'Not found.')))
  },
  { name: 'error-handler', fastify: '5.x' }
)
