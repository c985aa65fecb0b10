import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { BULLETIN_CSS } from './bulletins.html.js'
import { feedSchema, NATIONAL, publicNationalSchema, publicRegionSchema } from './bulletins.schemas.js'
import type { BulletinsService } from './bulletins.service.js'

/**
 * /bulletins: the approved bulletins for anyone, as CALLBACK is (issue 13.3): HTML, PDF, and an Atom feed. No
 * sign-in, no request log line (like the reporter form), and only frozen bytes: what a reader sees was approved.
 */
export const bulletinsPublicRoutes: FastifyPluginAsyncZod<{ service: BulletinsService }> = async (app, { service }) => {
  const anonymous = { anonymous: true, exemptFromLoadShedding: false }
  const hide = { hide: true }

  /** "2026-Q3" is the page, "2026-Q3.pdf" the PDF: one route each, the suffix read here. */
  const serve = async (quarter: string, scope: string, pdf: boolean, reply: FastifyReply, region = false) => {
    const stored = await service.published(quarter, scope, { region })
    if (pdf) {
      return reply
        .type('application/pdf')
        .header('Content-Disposition', `inline; filename="candid-bulletin-${quarter}-${scope}.pdf"`)
        .send(stored.pdf)
    }
    return reply.type('text/html; charset=utf-8').send(stored.html)
  }

  app.get('/bulletins/bulletin.css', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(BULLETIN_CSS))

  app.get('/bulletins/feed.atom', { config: anonymous, schema: feedSchema }, async (_request, reply) =>
    reply.type('application/atom+xml; charset=utf-8').send(await service.feed()))

  app.get('/bulletins/:name', { config: anonymous, schema: publicNationalSchema }, async (request, reply) => {
    const { name } = request.params
    return serve(name.replace(/\.pdf$/, ''), NATIONAL, name.endsWith('.pdf'), reply)
  })

  app.get('/bulletins/:quarter/:name', { config: anonymous, schema: publicRegionSchema }, async (request, reply) => {
    const { quarter, name } = request.params
    return serve(quarter, name.replace(/\.pdf$/, ''), name.endsWith('.pdf'), reply, true)
  })
}
