import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

type Transform = typeof jsonSchemaTransform
type ResponseSchema = { description?: string; [key: string]: unknown }

/**
 * The zod transform, plus: a route whose schema lists `produces` (OpenAPI 2's word, which OpenAPI 3 has no place
 * for) gets its 200 answer documented once per media type — JSON with its schema, any other type as a string with
 * the response's description (e.g. the regional summaries' CSV).
 */
const transform: Transform = (input) => {
  const output = jsonSchemaTransform(input)
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
            apiKey: { type: 'http', scheme: 'bearer', description: 'A regional API key from `admin create-api-key`' }
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
