import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import { isSessionHook } from './sessions.js'

type Transform = typeof jsonSchemaTransform
type ResponseSchema = { description?: string; [key: string]: unknown }

/**
 * The zod transform, plus: a route whose schema lists `produces` (OpenAPI 2's word, which OpenAPI 3 has no place
 * for) gets its 200 answer documented once per media type — JSON with its schema, any other type as a string with
 * the response's description (e.g. the regional summaries' CSV).
 */
const transform: Transform = (input) => {
  const output = withSessionSecurity(input, jsonSchemaTransform(input))
  const produces = (input.schema as { produces?: string[] } | undefined)?.produces
  // Routes without a schema (test probes, framework routes) have none to add to.
  const response = output.schema?.response as Record<string, ResponseSchema> | undefined
  const ok = response?.['200']
  if (!produces || !response || !ok) return output
  const { description, ...json } = ok
  const content = Object.fromEntries(
    produces.map((type) => [type, { schema: type === 'application/json' ? json : { type: 'string', description } }])
  )
  return { ...output, schema: { ...output.schema, response: { ...response, 200: { description, content } } } }
}

/**
 * Issue 14.6: a route behind requireRole is documented as needing the session cookie, and, if it changes anything,
 * the X-CSRF-Token header too, so that Swagger UI's "Authorize" takes the csrfToken from the sign-in answer and
 * its try-outs send it (the browser sends the cookie itself, same origin).
 */
const withSessionSecurity = (input: Parameters<Transform>[0], output: ReturnType<Transform>): ReturnType<Transform> => {
  const route = (input as { route?: { method?: string | string[]; onRequest?: unknown } }).route
  const hooks = [route?.onRequest].flat()
  if (!output.schema || !hooks.some(isSessionHook)) return output
  const methods = [route?.method ?? 'GET'].flat()
  const changes = methods.some((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()))
  return { ...output, schema: { ...output.schema, security: [changes ? { session: [], csrf: [] } : { session: [] }] } }
}

/**
 * OpenAPI 3 generated from the routes' zod schemas, served as JSON at /docs/json and browsable at /docs.
 * Swagger UI's assets come from the @fastify/swagger-ui package itself, so the page works under the strict CSP
 * with no CDN.
 */
export default fp(
  async (app, { version }: { version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Candid API',
          version,
          description:
            'Confidential near-miss reporting for child-protection social work. Every error answers ' +
            '{ "error": CODE, "message": text, "requestId": id }.'
        },
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'A regional API key from `admin create-api-key`' },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: app.hasDecorator('sessionCookie') ? app.sessionCookie.name : '__Host-candid-session',
              description:
                'The session cookie that POST /api/v1/auth/login sets (HttpOnly: the browser sends it on its own)'
            },
            csrf: {
              type: 'apiKey',
              in: 'header',
              name: 'X-CSRF-Token',
              description:
                'The csrfToken from the sign-in answer (or GET /api/v1/auth/session); needed on every change'
            }
          }
        },
        tags: [
          { name: 'reporting', description: 'Anonymous: preview, file a report, come back with the receipt' },
          { name: 'auth', description: 'Reviewers: sign in with password and authenticator code' },
          {
            name: 'review',
            description:
              'Reviewers and leads (session cookie; X-CSRF-Token on changes): triage queue, unsealed reads ' +
              '(audited), status, merging, coding with the taxonomy, questions and responses to the reporter'
          },
          {
            name: 'analysis',
            description:
              "Safety leads: coder agreement (Cohen's kappa), themed trends, co-occurrence and rising themes; " +
              'coded fields only, every read audited'
          },
          {
            name: 'summaries',
            description: 'Regional groups (API key): published, disclosure-controlled quarterly learning summaries'
          },
          { name: 'admin', description: 'Admins: accounts, and granting the ability to unseal' },
          { name: 'health', description: 'Liveness and readiness for operators and load balancers' }
        ]
      },
      transform
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: false }
    })
  },
  { name: 'openapi', fastify: '5.x' }
)
