import type { FastifyInstance } from 'fastify'
import request from 'supertest'

/**
 * A supertest client for `app` listening on a real socket (127.0.0.1, a free port), as DESIGN names it for the HTTP
 * tests that depend on the socket: headers as Node writes them, cookies, body limits read from a stream, keep-alive.
 * `app.inject` skips the socket, so it cannot show those.
 */
export const overSocket = async (app: FastifyInstance) => {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' })
  return request(app.server)
}
