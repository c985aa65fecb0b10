/**
 * The one error type of the service. Code throws `new AppError('NOT_FOUND', 'Report not found')`;
 * src/plugins/error-handler.ts is the only place that turns errors into HTTP responses.
 */

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503
} as const

export type AppErrorCode = keyof typeof ERROR_STATUS

/** What a client is told when the server fails: nothing about why. */
export const GENERIC_INTERNAL_MESSAGE =
  'Something went wrong on our side. Please try again; a report sent again with the same page is never stored twice.'

export type AppErrorOptions = {
  /** Extra response headers, e.g. Retry-After on 429 and 503. */
  headers?: Record<string, string>
  /** The underlying error, kept for the server log only. */
  cause?: unknown
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly statusCode: number
  readonly headers: Record<string, string>

  constructor (code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.statusCode = ERROR_STATUS[code]
    this.headers = options.headers ?? {}
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError

/** The code a bare HTTP status maps to when a framework error carries only a status. */
export const codeForStatus = (status: number): AppErrorCode => {
  const found = (Object.entries(ERROR_STATUS) as [AppErrorCode, number][]).find(
    ([code, candidate]) => candidate === status && code !== 'VALIDATION_FAILED'
  )
  if (found) {
    return found[0]
  }

  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'
}
