import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

/**
 * Fastify's own request log lines, made safe: one line when a request finishes (route pattern, status, duration),
 * none when it starts, and no raw URL anywhere (a URL can hold a receipt). The pino serializers in src/lib/logger.ts
 * already drop addresses and headers; this decides which lines exist at all.
 *
 * Routes a reporter uses anonymously set `config: { anonymous: true }` and get no request line (R40): even a
 * timestamp next to "a report was filed" is more than this service should keep. Server errors on those routes are
 * still logged by src/plugins/error-handler.ts, without anything from the request.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    anonymous?: boolean
  }
}

const isAnonymous = (request: FastifyRequest) => request.routeOptions?.config?.anonymous === true

export class RequestLogController extends LogController {
  constructor () {
    super({ disableRequestLogging: isAnonymous })
  }

  override incomingRequest (): void {}

  override requestCompleted (error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (isAnonymous(request)) {
      return
    }
    const line = { req: request, res: reply, ms: Math.round(reply.elapsedTime * 10) / 10 }
    if (error) {
      reply.log.error({ ...line, err: error }, 'request errored')
    } else {
      reply.log.info(line, 'request completed')
    }
  }

  override routeNotFound (request: FastifyRequest): void {
    if (!isAnonymous(request)) {
      request.log.info({ req: request }, 'route not found')
    }
  }
}
