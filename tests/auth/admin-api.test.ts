import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, login, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

// The admin side of the console over HTTP (issue 12): API keys (shown once, stored hashed, revoked), disabling and
// enabling accounts, and publications (overview, publishing a due quarter, the preview of what a region receives).

describe('admin API: API keys, disabling accounts, publications', () => {
  let t: TestApp
  let admin: SignedIn
  let reviewerUser: TestUser
  let reviewer: SignedIn

  const post = (url: string, payload: object | undefined, session: SignedIn | null) =>
    t.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}), headers: session?.headers ?? {} })
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })
  const idOf = async (email: string) =>
    (await t.app.db.prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id

  beforeAll(async () => {
    // No automatic publication: the admin publishes 2026-Q3 by hand (the scheduled check would do it a minute in).
    t = await createTestApp({ env: { PUBLISH_CHECK_MINUTES: '0' } })
    admin = await signIn(t.app, await createUser(t.app, { email: 'admin@example.org', role: 'admin', recoveryKey: t.recoveryKey }))
    reviewerUser = await createUser(t.app, { email: 'reviewer@example.org', recoveryKey: t.recoveryKey })
    reviewer = await signIn(t.app, reviewerUser)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('makes an API key shown once, lists it without its secret, and revokes it so that it gets 401', async () => {
    expect((await post('/api/v1/api-keys', { region: 'london' }, reviewer)).statusCode).toBe(403)
    expect((await post('/api/v1/api-keys', { region: 'atlantis' }, admin)).statusCode).toBe(400)
    expect((await post('/api/v1/api-keys', { region: 'london', days: 400 }, admin)).statusCode).toBe(400)
    // CSRF: the admin's cookie without the token changes nothing.
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { region: 'london' },
      headers: { cookie: admin.cookie }
    })
    expect(noToken.statusCode).toBe(403)
    expect(await t.app.db.prisma.apiKey.count()).toBe(0)

    const made = await post('/api/v1/api-keys', { region: 'london', label: 'London safeguarding board', days: 30 }, admin)
    expect(made.statusCode).toBe(201)
    expect(made.headers['cache-control']).toBe('no-store')
    const { key, prefix, region, label, expiresOn, revokedOn } = made.json()
    expect(key).toMatch(/^cnd_[\w-]{8}_[\w-]{43}$/)
    expect(key.startsWith(`${prefix}_`)).toBe(true)
    expect({ region, label, revokedOn }).toEqual({ region: 'london', label: 'London safeguarding board', revokedOn: null })
    const today = new Date()
    const in30Days = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 30))
    expect(expiresOn).toBe(in30Days.toISOString().slice(0, 10))

    // Stored hashed, as the CLI stores it: the key is nowhere in the database, the listing or the logs.
    const rows = await t.app.db.prisma.apiKey.findMany()
    expect(rows).toHaveLength(1)
    expect(Buffer.from(rows[0]?.keyHash ?? []).toString('utf8')).not.toContain(key)
    const asText = (_k: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)
    expect(JSON.stringify(rows, asText)).not.toContain(key.slice(13))
    const listed = await get('/api/v1/api-keys', admin.headers)
    expect(listed.statusCode).toBe(200)
    expect(listed.json().apiKeys).toEqual([
      { prefix, label: 'London safeguarding board', region: 'london', createdOn: expect.any(String), expiresOn, expired: false, revokedOn: null }
    ])
    expect(listed.json().regions).toContain('london')
    expect(listed.body).not.toContain(key.slice(13))
    expect(t.logs.text).not.toContain(key.slice(13))
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { action: 'api-key.created' } })
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit)).toContain(prefix)
    expect(JSON.stringify(audit)).not.toContain(key.slice(13))

    // The key works for its region, until it is revoked.
    const bearer = { authorization: `Bearer ${key}` }
    expect((await get('/api/v1/summaries?region=london', bearer)).statusCode).toBe(200)
    expect((await post(`/api/v1/api-keys/${prefix}/revoke`, undefined, reviewer)).statusCode).toBe(403)
    const revoked = await post(`/api/v1/api-keys/${prefix}/revoke`, undefined, admin)
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json()).toMatchObject({ prefix, wasRevoked: false })
    expect((await get('/api/v1/summaries?region=london', bearer)).statusCode).toBe(401)
    expect((await post(`/api/v1/api-keys/${prefix}/revoke`, undefined, admin)).json()).toMatchObject({ wasRevoked: true })
    expect((await get('/api/v1/api-keys', admin.headers)).json().apiKeys[0].revokedOn).toBe(revoked.json().revokedOn)
    expect((await post('/api/v1/api-keys/cnd_AAAAAAAA/revoke', undefined, admin)).statusCode).toBe(404)
    // A whole key pasted where the prefix goes is refused by shape, and not echoed back.
    const pasted = await post(`/api/v1/api-keys/${key}/revoke`, undefined, admin)
    expect(pasted.statusCode).toBe(400)
    expect(pasted.body).not.toContain(key.slice(13))
  })

  it('disables an account: its sessions end at once and sign-in is refused, until it is enabled again', async () => {
    const id = await idOf(reviewerUser.email)
    expect((await get('/api/v1/auth/session', reviewer.headers)).statusCode).toBe(200)
    expect((await post(`/api/v1/users/${id}/disable`, undefined, reviewer)).statusCode).toBe(403)

    const disabled = await post(`/api/v1/users/${id}/disable`, undefined, admin)
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json()).toMatchObject({ email: reviewerUser.email, status: 'disabled' })
    expect((await get('/api/v1/auth/session', reviewer.headers)).statusCode).toBe(401)
    expect((await get('/api/v1/reports', reviewer.headers)).statusCode).toBe(401)
    expect((await login(t.app, reviewerUser, { totp: reviewerUser.code(Date.now() + 30_000) })).statusCode).toBe(401)
    // An admin cannot lock themselves out.
    expect((await post(`/api/v1/users/${await idOf('admin@example.org')}/disable`, undefined, admin)).statusCode).toBe(409)
    expect((await post('/api/v1/users/00000000-0000-4000-8000-000000000000/disable', undefined, admin)).statusCode).toBe(404)

    const enabled = await post(`/api/v1/users/${id}/enable`, undefined, admin)
    expect(enabled.statusCode).toBe(200)
    expect(enabled.json()).toMatchObject({ status: 'active', canUnseal: true })
    reviewer = await signIn(t.app, reviewerUser)
    expect((await get('/api/v1/auth/session', reviewer.headers)).statusCode).toBe(200)
    const actions = (await t.app.db.prisma.auditEvent.findMany({ select: { action: true } })).map((row) => row.action)
    expect(actions).toEqual(expect.arrayContaining(['user.disabled', 'user.enabled']))
  })

  it('lists the due quarter, previews exactly what a region will receive, and publishes it', async () => {
    // A report about 2026-08: Candid was in use during 2026-Q3, which closed more than 14 days ago.
    expect((await postReport(t.app, reportBody({ occurredMonth: '2026-08', region: 'london' }))).statusCode).toBe(201)
    expect((await get('/api/v1/publications', reviewer.headers)).statusCode).toBe(403)
    const overview = await get('/api/v1/publications', admin.headers)
    expect(overview.statusCode).toBe(200)
    expect(overview.json()).toMatchObject({ published: [], due: ['2026-Q3'] })
    expect(overview.json().regions).toContain('london')

    const before = await get('/api/v1/publications/2026-Q3/regions/london', admin.headers)
    expect(before.statusCode).toBe(200)
    expect(before.json()).toMatchObject({ published: false, summary: { quarter: '2026-Q3', region: 'london' } })
    // A preview stores nothing.
    expect(await t.app.db.prisma.publication.count()).toBe(0)
    expect((await get('/api/v1/publications/2026-Q3/regions/atlantis', admin.headers)).statusCode).toBe(404)
    expect((await get('/api/v1/publications/2099-Q1/regions/london', admin.headers)).statusCode).toBe(409)

    expect((await post('/api/v1/publications/2026-Q3', undefined, reviewer)).statusCode).toBe(403)
    const published = await post('/api/v1/publications/2026-Q3', undefined, admin)
    expect(published.statusCode).toBe(200)
    expect(published.json()).toMatchObject({ outcome: 'published', quarter: '2026-Q3' })
    expect((await post('/api/v1/publications/2026-Q3', undefined, admin)).json()).toMatchObject({ outcome: 'already' })
    const after = await get('/api/v1/publications', admin.headers)
    expect(after.json()).toMatchObject({ published: [{ quarter: '2026-Q3' }], due: [] })

    // What london's key gets is what the preview showed, before publication and after.
    const made = await post('/api/v1/api-keys', { region: 'london' }, admin)
    const received = await get('/api/v1/summaries/quarterly?quarter=2026-Q3&region=london', {
      authorization: `Bearer ${made.json().key}`
    })
    expect(received.statusCode).toBe(200)
    const preview = await get('/api/v1/publications/2026-Q3/regions/london', admin.headers)
    expect(preview.json().published).toBe(true)
    expect(preview.json().summary).toEqual(received.json())
    expect(before.json().summary).toEqual(received.json())
  })
})
