import { type LoggerOptions, stdTimeFunctions } from 'pino'

/**
 * pino options for the whole service. A log line may say which route answered, with what status and how fast;
 * it may never carry a client address, a user agent, a header value, a query string, a body or free text.
 * Fastify's default `req` serializer prints `remoteAddress` and the raw URL (which can hold a receipt), so it is
 * replaced here, and the redact list is a second net for anything logged by hand.
 */

type LoggableRequest = {
  id?: string
  method?: string
  routeOptions?: { url?: string }
}

type LoggableReply = { statusCode?: number }

type LoggableError = Error & { code?: unknown; statusCode?: unknown }

export const REDACTED_PATHS = [
  'req.headers',
  // Covered by the line above; named too so that API keys (R26) stay out if that line is ever narrowed.
  'req.headers.authorization',
  'req.body',
  'req.query',
  'req.params',
  'req.url',
  'req.ip',
  'req.ips',
  'req.remoteAddress',
  'headers',
  'body',
  'query',
  'params',
  '*.password',
  '*.totp',
  '*.token',
  '*.receipt',
  '*.narrative',
  '*.text',
  '*.authorization',
  '*.cookie',
  '*["user-agent"]',
  '*["x-forwarded-for"]'
]

/** The route pattern (`/api/v1/receipts/:receipt`), never the URL that was asked for. */
export const serializeRequest = (req: LoggableRequest) => ({
  method: req.method,
  route: req.routeOptions?.url ?? '(no route)'
})

export const serializeReply = (reply: LoggableReply) => ({ statusCode: reply.statusCode })

/**
 * Only the error's type, code, message and stack: pino's standard serializer copies every enumerable property,
 * and driver errors carry query parameters and row values in theirs.
 */
export const serializeError = (err: LoggableError) => {
  if (!(err instanceof Error)) {
    return { type: typeof err }
  }

  return {
    type: err.name,
    code: typeof err.code === 'string' || typeof err.code === 'number' ? err.code : undefined,
    statusCode: typeof err.statusCode === 'number' ? err.statusCode : undefined,
    message: err.message,
    stack: err.stack
  }
}

/** The UTC date only: for lines about anonymous routes, where an exact time could be matched to a rota. */
export const dateOnlyTime = () => `,"time":"${new Date().toISOString().slice(0, 10)}"`

export const createLoggerOptions = (level: string, { dateOnly = false } = {}): LoggerOptions => ({
  level,
  // UTC timestamps (ASVS 5.0 16.2.2); no hostname or pid, which say nothing useful and identify the machine.
  timestamp: dateOnly ? dateOnlyTime : stdTimeFunctions.isoTime,
  base: undefined,
  messageKey: 'msg',
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  serializers: { req: serializeRequest, res: serializeReply, err: serializeError, error: serializeError }
})
