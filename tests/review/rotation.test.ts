import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openMessage, openNarrative } from '../../src/lib/crypto/sealing.js'
import { createKeysRepository } from '../../src/modules/keys/keys.repository.js'
import { createKeysService } from '../../src/modules/keys/keys.service.js'
import { createRotationRepository } from '../../src/modules/keys/rotation.repository.js'
import { createRotationService } from '../../src/modules/keys/rotation.service.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

// R16: rotate twice, then every narrative and message opens with only the newest team secret key.
describe('team key rotation', () => {
  let t: TestApp
  let reviewer: TestUser
  let before: SignedIn
  const rotation = () =>
    createRotationService({ repository: createRotationRepository(t.app.db.prisma), sodium: t.app.keys.get().sodium })

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    reviewer = await createUser(t.app, { email: 'rev@example.org', recoveryKey: t.recoveryKey })
    before = await signIn(t.app, reviewer)
    for (let i = 0; i < 3; i++) {
      expect((await postReport(t.app, reportBody({ narrative: `Report number ${i} about a missed handover.` }))).statusCode).toBe(201)
    }
    const first = await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${first.id}/questions`,
      headers: before.headers,
      payload: { text: 'Which rota was it?' }
    })
    expect(asked.statusCode).toBe(201)
  })
  afterAll(() => t.close())

  it('refuses a wrong recovery key and changes nothing', async () => {
    const wrong = (t.recoveryKey as string).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    await expect(rotation().rotate(wrong)).rejects.toThrow(/does not open/)
    expect(await t.app.db.prisma.teamKey.count()).toBe(1)
  })

  it('rotates twice; every data key is then sealed to version 3 and opens with only its secret key', async () => {
    const one = await rotation().rotate(t.recoveryKey as string)
    expect(one).toMatchObject({ version: 2, reports: 3, messages: 1, grants: 1 })
    await t.app.keys.refreshTeamKey()
    expect(t.app.keys.get().teamKey.version).toBe(2)
    expect((await postReport(t.app, reportBody({ narrative: 'Filed between the two rotations of the key.' }))).statusCode).toBe(201)

    const two = await rotation().rotate(t.recoveryKey as string)
    expect(two).toMatchObject({ version: 3, reports: 4, messages: 1 })
    await t.app.keys.refreshTeamKey()
    expect((await postReport(t.app, reportBody({ narrative: 'Filed after the second rotation of the key.' }))).statusCode).toBe(201)

    const { sodium } = t.app.keys.get()
    const newest = await createKeysService({ repository: createKeysRepository(t.app.db.prisma), sodium })
      .openWithRecoveryKey(t.recoveryKey as string)
    expect(newest.version).toBe(3)
    const keyPair = { publicKey: newest.publicKey, secretKey: newest.secretKey }
    const reports = await t.app.db.prisma.report.findMany()
    expect(reports).toHaveLength(5)
    const texts = reports.map((report) => {
      expect(report.sealedToVersion ?? report.keyVersion).toBe(3)
      const plain = openNarrative(
        sodium,
        { ciphertext: report.narrativeCiphertext as Uint8Array, sealedKey: report.narrativeSealedKey as Uint8Array },
        { reportId: report.id, keyVersion: report.keyVersion, keyPair }
      )
      return new TextDecoder().decode(plain)
    })
    expect(texts.sort()).toEqual(
      [
        'Filed after the second rotation of the key.',
        'Filed between the two rotations of the key.',
        'Report number 0 about a missed handover.',
        'Report number 1 about a missed handover.',
        'Report number 2 about a missed handover.'
      ].sort()
    )
    expect(reports.map((report) => report.keyVersion).sort()).toEqual([1, 1, 1, 2, 3])
    const [message] = await t.app.db.prisma.reportMessage.findMany()
    expect(message?.sealedToVersion).toBe(3)
    const text = openMessage(
      sodium,
      { ciphertext: message?.ciphertext as Uint8Array, sealedKey: message?.teamSealedKey as Uint8Array },
      { messageId: message?.id as string, reportId: message?.reportId as string, keyVersion: 1, kind: 'question', keyPair }
    )
    expect(text).toBe('Which rota was it?')
  })

  it('ended every session; the reviewer signs in again, takes up the new key and reads everything', async () => {
    const gone = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: before.cookie } })
    expect(gone.statusCode).toBe(401)

    const after = await signIn(t.app, reviewer)
    const session = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: after.cookie } })
    expect(session.json().canUnseal).toBe(true)
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'rev@example.org' } })
    expect(user).toMatchObject({ teamKeyVersion: 3, pendingGrant: null })
    for (const { id } of await t.app.db.prisma.report.findMany({ select: { id: true } })) {
      const read = await t.app.inject({ method: 'GET', url: `/api/v1/reports/${id}`, headers: { cookie: after.cookie } })
      expect(read.statusCode).toBe(200)
      expect(read.json().narrative.length).toBeGreaterThan(20)
    }
  })

  it('reseal finds nothing left to do', async () => {
    expect(await rotation().reseal(t.recoveryKey as string)).toMatchObject({ version: 3, reports: 0, messages: 0 })
  })
})
