import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNarrative, openWithKey } from '../../src/lib/crypto/sealing.js'
import { deriveKey, parseRecoveryKey } from '../../src/lib/crypto/secrets.js'
import { recoveryContext } from '../../src/modules/keys/keys.service.js'
import { allStoredBytes } from '../helpers/db-contents.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// R14 and the intake issue: the database plus the server's configuration cannot decrypt a narrative; the
// recovery key shown once at setup can.
describe('write-only intake', () => {
  let t: TestApp
  let redacted: string
  beforeAll(async () => {
    t = await createTestApp()
    const res = await postReport(t.app, reportBody({ narrative: 'Dad Kyle was sent the ICPC minutes by mistake on Monday.' }))
    redacted = res.json().redacted
  })
  afterAll(() => t.close())

  const storedReport = async () => {
    const report = await t.app.db.prisma.report.findFirstOrThrow()
    if (!report.narrativeCiphertext || !report.narrativeSealedKey) {
      throw new Error('the stored report has no narrative')
    }
    return { ...report, narrativeCiphertext: report.narrativeCiphertext, narrativeSealedKey: report.narrativeSealedKey }
  }
  const teamKeyRow = () => t.app.db.prisma.teamKey.findFirstOrThrow()

  it('the recovery key from the first start opens the narrative, which is the redacted text', async () => {
    const { sodium } = t.app.keys.get()
    const report = await storedReport()
    const teamKey = await teamKeyRow()
    const recovery = parseRecoveryKey(t.recoveryKey ?? '')
    expect(recovery).not.toBeNull()

    const secretKey = openWithKey(
      sodium,
      teamKey.recoveryWrap,
      deriveKey(sodium, recovery as Uint8Array, 'recovery'),
      recoveryContext(teamKey.version)
    )
    const plaintext = openNarrative(
      sodium,
      { ciphertext: report.narrativeCiphertext, sealedKey: report.narrativeSealedKey },
      { reportId: report.id, keyVersion: report.keyVersion, keyPair: { publicKey: teamKey.publicKey, secretKey } }
    )

    expect(redacted).toBe('Dad [NAME] was sent the ICPC minutes by mistake on Monday.')
    expect(new TextDecoder().decode(plaintext)).toBe(redacted)
  })

  it('nothing in the database or the server configuration opens it', async () => {
    const { sodium } = t.app.keys.get()
    const report = await storedReport()
    const teamKey = await teamKeyRow()
    const recovery = parseRecoveryKey(t.recoveryKey ?? '') as Uint8Array
    const secretKey = openWithKey(
      sodium,
      teamKey.recoveryWrap,
      deriveKey(sodium, recovery, 'recovery'),
      recoveryContext(teamKey.version)
    )
    const dataKey = sodium.crypto_box_seal_open(report.narrativeSealedKey, teamKey.publicKey, secretKey)

    // Every byte string the database holds, every key the running server holds, and the configuration.
    const candidates = [
      ...(await allStoredBytes(t.app.db)),
      t.app.keys.get().receiptKey,
      t.app.keys.get().idempotencyKey,
      t.app.keys.get().idempotencySealKey,
      t.app.keys.get().totpKey,
      t.app.keys.get().loginThrottleKey,
      t.app.keys.get().reporterKey,
      t.app.keys.get().teamKey.publicKey,
      ...Object.values(t.config).filter((value): value is Uint8Array => value instanceof Uint8Array)
    ]
    expect(candidates.length).toBeGreaterThan(5)
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
    const everything = candidates.map(hex).join(' ')

    expect(everything).not.toContain(hex(secretKey))
    expect(everything).not.toContain(hex(dataKey))
    expect(everything).not.toContain(hex(recovery))
    for (const candidate of candidates.filter((bytes) => bytes.length === 32)) {
      expect(() => sodium.crypto_box_seal_open(report.narrativeSealedKey, teamKey.publicKey, candidate)).toThrow()
      expect(() =>
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
          null,
          report.narrativeCiphertext.subarray(24),
          `candid:narrative|v1|${report.id}|k1`,
          report.narrativeCiphertext.subarray(0, 24),
          candidate
        )
      ).toThrow()
    }
  })
})
