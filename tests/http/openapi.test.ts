import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

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
})
