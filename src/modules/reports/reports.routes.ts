import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { buildCreateReportSchema } from './reports.schemas.js'
import type { ReportsService } from './reports.service.js'

export type ReportsRoutesOptions = { service: ReportsService; regions: readonly string[]; per10Minutes: number }

export const reportsRoutes: FastifyPluginAsyncZod<ReportsRoutesOptions> = async (app, options) => {
  app.post(
    '',
    {
      schema: buildCreateReportSchema(options.regions),
      config: { anonymous: true, rateLimit: { max: options.per10Minutes, timeWindow: '10 minutes' } }
    },
    async (request, reply) => {
      const { response } = await options.service.submit(request.body, request.headers['idempotency-key'])

      return reply.code(201).send(response)
    }
  )
}
