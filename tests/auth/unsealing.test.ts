import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeysRepository } from '../../src/modules/keys/keys.repository.js'
import { createKeysService } from '../../src/modules/keys/keys.service.js'
import { dumpAllRows } from '../helpers/db-contents.js'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, login, PASSWORD, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

const NEW_PASSWORD = 'a completely different passphrase for candid'

describe('who can unseal: admin grants, password changes, recovery', () => {
  let t: TestApp
  let admin: SignedIn
  let reportId: string
  const secrets: string[] = [PASSWORD, NEW_PASSWORD]

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MIN: '1000' } })
    admin = await signIn(t.app, await createUser(t.app, { email: 'ada@example.org', role: 'admin', recoveryKey: t.recoveryKey }))
    secrets.push(t.recoveryKey as string, admin.cookie.split('=')[1] as string)
    expect((await postReport(t.app)).statusCode).toBe(201)
    reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
  })
  afterAll(() => t.close())

  const read = (who: SignedIn) =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/${reportId}`, headers: { cookie: who.cookie } })
  const session = async (who: SignedIn) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: who.cookie } })).json()
  const userId = async (email: string) =>
    (await t.app.db.prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id
  const track = (who: SignedIn) => {
    secrets.push(who.cookie.split('=')[1] as string)
    return who
  }

  it('an admin grants unsealing from their own session; it takes effect at the next sign-in', async () => {
    const rita: TestUser = await createUser(t.app, { email: 'rita@example.org' })
    const first = track(await signIn(t.app, rita))
    expect((await session(first)).canUnseal).toBe(false)
    expect((await read(first)).statusCode).toBe(403)

    const granted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${await userId('rita@example.org')}/grant`,
      headers: admin.headers
    })
    expect(granted.statusCode).toBe(200)
    expect(granted.json()).toMatchObject({ email: 'rita@example.org', canUnseal: false, hasPendingGrant: true })
    const stored = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'rita@example.org' } })
    expect(stored.pendingGrant?.length).toBeGreaterThan(32)

    const second = track(await signIn(t.app, rita))
    expect((await session(second)).canUnseal).toBe(true)
    expect((await read(second)).statusCode).toBe(200)
    const after = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'rita@example.org' } })
    expect(after.pendingGrant).toBeNull()
    expect(after.teamKeyWrap).not.toBeNull()

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${await userId('rita@example.org')}/grant`,
      headers: admin.headers
    })
    expect(again.statusCode).toBe(409)
    const audit = await t.app.db.prisma.auditEvent.count({ where: { action: 'user.grant-unsealing' } })
    expect(audit).toBe(1)
  })

  it('an admin who cannot unseal cannot grant (403); the list shows every account to admins only', async () => {
    const powerless = track(
      await signIn(t.app, await createUser(t.app, { email: 'pat@example.org', role: 'admin' }))
    )
    await createUser(t.app, { email: 'new@example.org' })
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${await userId('new@example.org')}/grant`,
      headers: powerless.headers
    })
    expect(res.statusCode).toBe(403)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie: admin.cookie } })
    expect(list.json().users.map((user: { email: string }) => user.email)).toEqual([
      'ada@example.org',
      'new@example.org',
      'pat@example.org',
      'rita@example.org'
    ])
    expect(list.body).not.toContain('password')
  })

  it('a grant this password cannot open (sealed to an old box, or not the team key) is dropped, not a failed sign-in', async () => {
    const una = await createUser(t.app, { email: 'una@example.org' })
    const { sodium } = t.app.keys.get()
    const stranger = sodium.crypto_box_keypair()
    const notTheTeamKey = sodium.crypto_box_seal(new Uint8Array(32).fill(7), stranger.publicKey)
    await t.app.db.prisma.user.update({
      where: { email: 'una@example.org' },
      data: { pendingGrant: notTheTeamKey as Uint8Array<ArrayBuffer>, pendingGrantVersion: 1 }
    })

    const signed = track(await signIn(t.app, una))

    expect((await session(signed)).canUnseal).toBe(false)
    const after = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'una@example.org' } })
    expect(after.pendingGrant).toBeNull()
  })

  it('a password change re-wraps the team key: the new password signs in and still unseals', async () => {
    const sam = await createUser(t.app, { email: 'sam@example.org', recoveryKey: t.recoveryKey })
    const first = track(await signIn(t.app, sam))
    const other = track(await signIn(t.app, sam))
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: first.headers,
        payload: { currentPassword, newPassword }
      })

    expect((await change('not the password at all', NEW_PASSWORD)).statusCode).toBe(403)
    expect((await change(PASSWORD, 'short')).statusCode).toBe(400)
    expect((await change(PASSWORD, 'password1234567890')).statusCode).toBe(400)
    expect((await change(PASSWORD, NEW_PASSWORD)).statusCode).toBe(204)

    expect((await read(first)).statusCode).toBe(200)
    expect((await read(other)).statusCode).toBe(401)
    expect((await login(t.app, sam)).statusCode).toBe(401)
    sam.password = NEW_PASSWORD
    const withNew = track(await signIn(t.app, sam))
    expect((await session(withNew)).canUnseal).toBe(true)
    expect((await read(withNew)).statusCode).toBe(200)
  })

  it('the recovery key restores unsealing for a signed-in user; a wrong key or password does not', async () => {
    const vic = await createUser(t.app, { email: 'vic@example.org', role: 'lead' })
    const signed = track(await signIn(t.app, vic))
    const recover = (password: string, recoveryKey: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/recover',
        headers: signed.headers,
        payload: { password, recoveryKey }
      })
    const wrongKey = (t.recoveryKey as string).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))

    expect((await recover(PASSWORD, wrongKey)).statusCode).toBe(403)
    expect((await recover('not the password at all', t.recoveryKey as string)).statusCode).toBe(403)
    expect((await read(signed)).statusCode).toBe(403)

    const res = await recover(PASSWORD, t.recoveryKey as string)
    expect(res.statusCode).toBe(200)
    expect(res.json().canUnseal).toBe(true)
    expect((await read(signed)).statusCode).toBe(200)
    const later = track(await signIn(t.app, vic))
    expect((await session(later)).canUnseal).toBe(true)
    expect(await t.app.db.prisma.auditEvent.count({ where: { action: 'user.recovered-unsealing' } })).toBe(1)
  })

  it('no log holds a password, the recovery key or a session token; no table or log the team secret key', async () => {
    expect(t.logs.lines.length).toBeGreaterThan(10)
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(15)
      expect(t.logs.text).not.toContain(secret)
    }
    const { sodium } = t.app.keys.get()
    const keys = createKeysService({ repository: createKeysRepository(t.app.db.prisma), sodium })
    const { secretKey } = await keys.openWithRecoveryKey(t.recoveryKey as string)
    const rows = await dumpAllRows(t.app.db)
    for (const encoded of [Buffer.from(secretKey).toString('hex'), Buffer.from(secretKey).toString('base64')]) {
      expect(rows).not.toContain(encoded)
      expect(t.logs.text).not.toContain(encoded)
    }
  })
})
