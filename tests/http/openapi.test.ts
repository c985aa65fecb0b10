import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login } from '../helpers/users.js'

describe('OpenAPI at /docs', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' })
    const doc = res.json()

    expect(res.statusCode).toBe(200)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('Candid API')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']))
    const ready = doc.paths['/health/ready'].get
    expect(Object.keys(ready.responses)).toEqual(expect.arrayContaining(['200', '503']))
    expect(ready.responses['503'].content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['error', 'message', 'requestId'])
    )
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false)
  })

  it('documents every API route the app serves, each with its error responses', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json()
    const documented = Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)
    )
    for (const route of [
      'GET /api/v1/reports',
      'GET /api/v1/reports/{id}',
      'PATCH /api/v1/reports/{id}',
      'POST /api/v1/reports/{id}/merge',
      'POST /api/v1/reports/{id}/codings',
      'POST /api/v1/reports/{id}/questions',
      'POST /api/v1/reports/{id}/responses',
      'GET /api/v1/taxonomy',
      'GET /api/v1/analysis/agreement',
      'GET /api/v1/users',
      'POST /api/v1/users/{id}/grant',
      'POST /api/v1/auth/password',
      'POST /api/v1/auth/recover',
      'GET /api/v1/receipts/{receipt}',
      'POST /api/v1/receipts/{receipt}/messages',
      'POST /api/v1/receipts/{receipt}/withdraw',
      'POST /api/v1/bulletins/drafts',
      'PATCH /api/v1/bulletins/drafts/{id}',
      'POST /api/v1/bulletins/drafts/{id}/approvals',
      'GET /api/v1/bulletins/{quarter}',
      'GET /api/v1/bulletins/{quarter}/{region}',
      'GET /bulletins/{name}',
      'GET /bulletins/{quarter}/{name}',
      'GET /bulletins/feed.atom'
    ]) {
      expect(documented, route).toContain(route)
    }
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const codes = Object.keys(operation.responses)
        expect(codes.some((code) => code.startsWith('4')) || path.startsWith('/health'), `${method} ${path}`).toBe(true)
      }
    }
  })

  it('serves Swagger UI from its own origin only', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/)

    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string)
    expect(assets.length).toBeGreaterThan(2)
    for (const asset of assets) {
      const url = new URL(asset, 'http://localhost/docs/').pathname
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
    }
  })

  type Scheme = { type: string; in?: string; name?: string }
  type Operation = { security?: Record<string, string[]>[] }

  // Issue 14.6: without the CSRF header in the document, every state-changing try-out in Swagger UI answered 403.
  it('declares the session cookie and the X-CSRF-Token header, so a try-out built from it works when signed in', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json()
    const schemes = doc.components.securitySchemes as Record<string, Scheme>
    const operation = (method: string, path: string) => doc.paths[path][method] as Operation
    expect(schemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' })
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: '__Host-candid-session' })
    expect(operation('patch', '/api/v1/reports/{id}').security).toEqual([{ session: [], csrf: [] }])
    expect(operation('post', '/api/v1/reports/{id}/codings').security).toEqual([{ session: [], csrf: [] }])
    expect(operation('get', '/api/v1/reports').security).toEqual([{ session: [] }])
    expect(operation('post', '/api/v1/reports').security).toBeUndefined()
    expect(operation('post', '/api/v1/auth/login').security).toBeUndefined()

    // What Swagger UI does: the cookie rides along (same origin), "Authorize" fills in the declared header.
    const user = await createUser(t.app, { email: 'docs-reader@example.org', recoveryKey: t.recoveryKey })
    const signedIn = await login(t.app, user)
    const cookie = cookieOf(signedIn)
    expect(cookie.split('=')[0]).toBe(schemes.session?.name)
    const credentials: Record<string, string> = { csrf: signedIn.json().csrfToken, session: cookie.split('=')[1] ?? '' }
    const headersFor = (op: Operation) => {
      const headers: Record<string, string> = {}
      for (const name of Object.keys(op.security?.[0] ?? {})) {
        const scheme = schemes[name] as Scheme
        if (scheme.in === 'header') headers[scheme.name as string] = credentials[name] as string
        if (scheme.in === 'cookie') headers.cookie = `${scheme.name}=${credentials[name]}`
      }
      return headers
    }
    expect((await postReport(t.app)).statusCode).toBe(201)
    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reports',
      headers: headersFor(operation('get', '/api/v1/reports'))
    })
    expect(queue.statusCode).toBe(200)
    const id = queue.json().items[0].id as string
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${id}`,
      headers: headersFor(operation('patch', '/api/v1/reports/{id}')),
      payload: { status: 'in_review' }
    })
    expect(changed.statusCode, changed.body).toBe(200)
  })
})
