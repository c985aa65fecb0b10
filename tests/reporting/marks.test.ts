import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNarrative, openWithKey } from '../../src/lib/crypto/sealing.js'
import { deriveKey, parseRecoveryKey } from '../../src/lib/crypto/secrets.js'
import { applyMarks, markPattern } from '../../src/lib/marks.js'
import { redact } from '../../src/lib/redaction/index.js'
import { recoveryContext } from '../../src/modules/keys/keys.service.js'
import { allStoredBytes, dumpAllRows, rawDatabaseBytes } from '../helpers/db-contents.js'
import { newIdempotencyKey, postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// Issue 11 item 5: the reporter's own marks. Applied after the redaction, they can only remove: what is stored is
// never more revealing than the preview the reporter saw, and no mark gives back what the pipeline removed.

const NARRATIVE =
  'Mrs Okafor rang about the boy from the Pelican Fish Bar; the pelican fish bar staff\nsaid he was fine. Annual review due.'

const apply = (text: string, phrases: string[]) => applyMarks(text, redact(text), phrases)

describe('applyMarks', () => {
  it('removes a phrase everywhere it is shown, ignoring case and how it is spaced, as [REMOVED]', () => {
    const result = apply(NARRATIVE, ['pelican  FISH bar'])

    expect(result.redacted).toBe(
      'Mrs [NAME] rang about the boy from the [REMOVED]; the [REMOVED] staff\nsaid he was fine. Annual review due.'
    )
    expect(result.found).toEqual([2])
    const removed = result.findings.filter((finding) => finding.type === 'REMOVED')
    expect(removed.map((finding) => NARRATIVE.slice(finding.start, finding.end))).toEqual([
      'Pelican Fish Bar',
      'pelican fish bar'
    ])
    expect(result.findings.map((finding) => finding.type)).toEqual(['NAME', 'REMOVED', 'REMOVED'])
  })

  it('matches whole words only, across line breaks, and merges marks that overlap', () => {
    const result = apply(NARRATIVE, ['Ann', 'bar staff said', 'fish'])

    expect(result.found).toEqual([0, 1, 2])
    expect(result.redacted).toBe(
      'Mrs [NAME] rang about the boy from the Pelican [REMOVED] Bar; the pelican [REMOVED] [REMOVED] he was fine. Annual review due.'
    )
  })

  it('cannot touch a placeholder: a mark matching only inside one, or text the pipeline removed, finds nothing', () => {
    const result = apply(NARRATIVE, ['NAME', 'okafor', 'Mrs [NAME'])

    expect(result.found).toEqual([0, 0, 0])
    expect(result.redacted).toBe(redact(NARRATIVE).redacted)
  })

  it('fails closed when the redacted text does not follow its findings, rather than remove the wrong words', () => {
    const base = redact(NARRATIVE)

    expect(() => applyMarks(NARRATIVE, { ...base, redacted: base.redacted.replace('[NAME]', '<NAME>') }, ['fish'])).toThrow(
      /does not follow its findings/
    )
  })

  it('keeps every placeholder of the pipeline and leaves no whole-word match of any mark (property)', () => {
    const word = fc.constantFrom('the', 'letter', 'Okafor', 'went', 'to', 'dad', 'ICPC', 'Jayden', 'Marsh', 'lane', 'at', '14')
    const sentence = fc.array(word, { minLength: 3, maxLength: 30 }).map((words) => words.join(' '))
    const marks = fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { maxLength: 4 })
    fc.assert(
      fc.property(sentence, marks, (text, chosen) => {
        const phrases = chosen.map((words) => words.join(' '))
        const base = redact(text)
        const result = applyMarks(text, base, phrases)

        const placeholders = (value: string) => value.match(/\[(?!REMOVED\])[A-Z_]+\]/g) ?? []
        expect(placeholders(result.redacted)).toEqual(placeholders(base.redacted))
        const shown = result.redacted.replace(/\[[A-Z_]+\]/g, '\u0000')
        phrases.forEach((phrase, index) => {
          expect(shown.match(markPattern(phrase))).toBeNull()
          const before = base.redacted.replace(/\[[A-Z_]+\]/g, '\u0000')
          expect(result.found[index]).toBe(before.match(markPattern(phrase))?.length ?? 0)
        })
      })
    )
  })
})

describe('marks through the preview and the intake', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', RATE_LIMIT_PREVIEW_PER_MIN: '1000' } })
  })
  afterAll(() => t.close())

  const preview = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/redaction/preview', payload: payload as object })
  const countReports = () => t.app.db.prisma.report.count()

  /** The stored narrative, opened as the review team would (the recovery key shown at setup). */
  const storedNarrative = async (id: string) => {
    const { sodium } = t.app.keys.get()
    const report = await t.app.db.prisma.report.findUniqueOrThrow({ where: { id } })
    const teamKey = await t.app.db.prisma.teamKey.findFirstOrThrow({ where: { version: report.keyVersion } })
    const recovery = parseRecoveryKey(t.recoveryKey ?? '') as Uint8Array
    const secretKey = openWithKey(sodium, teamKey.recoveryWrap, deriveKey(sodium, recovery, 'recovery'), recoveryContext(teamKey.version))
    const plaintext = openNarrative(
      sodium,
      { ciphertext: report.narrativeCiphertext as Uint8Array, sealedKey: report.narrativeSealedKey as Uint8Array },
      { reportId: report.id, keyVersion: report.keyVersion, keyPair: { publicKey: teamKey.publicKey, secretKey } }
    )
    return new TextDecoder().decode(plaintext)
  }

  it('the preview applies marks and says, per mark, how many places each removed', async () => {
    const res = await preview({ text: NARRATIVE, marks: [{ phrase: 'pelican fish bar' }, { phrase: 'zebra crossing' }] })

    expect(res.statusCode).toBe(200)
    expect(res.json().redacted).toBe(
      'Mrs [NAME] rang about the boy from the [REMOVED]; the [REMOVED] staff\nsaid he was fine. Annual review due.'
    )
    expect(res.json().marks).toEqual([{ found: 2 }, { found: 0 }])
    expect(res.json().findings.map((finding: { type: string }) => finding.type)).toEqual(['NAME', 'REMOVED', 'REMOVED'])
  })

  it('the preview without marks answers as before, with an empty list of marks', async () => {
    const res = await preview({ text: NARRATIVE })

    expect(res.json()).toMatchObject({ redacted: redact(NARRATIVE).redacted, marks: [] })
  })

  it('stores the narrative with the marks applied, and nothing of the marked words in any row, file or log line', async () => {
    // A word that appears nowhere else, so any trace of it in storage or logs is the mark's.
    const secret = 'Quillaberry'
    const narrative = `The strategy invite went to the ${secret} Arms pub where dad drinks; the ${secret.toLowerCase()} arms landlord opened it.`
    const before = await countReports()
    const earlier = new Set((await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id))
    const shown = await preview({ text: narrative, marks: [{ phrase: `${secret} arms` }] })
    expect(shown.json().marks).toEqual([{ found: 1 }])
    const res = await postReport(t.app, reportBody({ narrative, marks: [{ phrase: `${secret} arms` }] }), {
      'idempotency-key': newIdempotencyKey()
    })

    expect(res.statusCode).toBe(201)
    // The pipeline catches the capitalised name; the reporter's mark catches the lower-case one it left.
    const expected = 'The strategy invite went to the [NAME] Arms pub where dad drinks; the [REMOVED] landlord opened it.'
    expect(res.json().redacted).toBe(expected)
    expect(await countReports()).toBe(before + 1)
    const rowsNow = await t.app.db.prisma.report.findMany({ select: { id: true } })
    const [report] = rowsNow.filter((row) => !earlier.has(row.id))
    expect(await storedNarrative(report?.id ?? '')).toBe(expected)

    const needles = [secret, secret.toLowerCase(), secret.toUpperCase()]
    const rows = await dumpAllRows(t.app.db)
    const bytes = Buffer.concat([...(await allStoredBytes(t.app.db)), rawDatabaseBytes(t.config)])
    for (const needle of needles) {
      expect(rows).not.toContain(needle)
      expect(bytes.includes(Buffer.from(needle))).toBe(false)
      expect(t.logs.text).not.toContain(needle)
    }
  })

  it('answers a retry with the same marks as the first time, storing one report', async () => {
    const key = newIdempotencyKey()
    const body = reportBody({ narrative: NARRATIVE, marks: [{ phrase: 'Pelican Fish Bar' }] })
    const before = await countReports()

    const first = await postReport(t.app, body, { 'idempotency-key': key })
    const again = await postReport(t.app, body, { 'idempotency-key': key })

    expect(first.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(await countReports()).toBe(before + 1)
  })

  it.each([
    ['a mark containing a placeholder', [{ phrase: 'Mrs [NAME]' }], /^body\.marks\.0\.phrase: a mark may not include a placeholder/],
    ['a mark that is only a placeholder', [{ phrase: '[NAME]' }], /^body\.marks\.0\.phrase: /],
    ['an empty mark', [{ phrase: '   ' }], /^body\.marks\.0\.phrase: mark at least one word/],
    ['a mark of punctuation only', [{ phrase: ';' }], /^body\.marks\.0\.phrase: mark a word/],
    ['a mark over 200 characters', [{ phrase: 'a'.repeat(201) }], /^body\.marks\.0\.phrase: mark at most 200/],
    ['more than 50 marks', Array.from({ length: 51 }, () => ({ phrase: 'fish' })), /^body\.marks: mark at most 50/],
    ['a mark that is not an object', ['fish'], /^body\.marks\.0: /],
    ['a mark with an unknown field', [{ phrase: 'fish', start: 3 }], /^body\.marks\.0: .*start/]
  ])('refuses %s with 400 naming the mark, in the preview and the intake, storing nothing', async (_name, marks, message) => {
    const before = await countReports()
    const fromPreview = await preview({ text: NARRATIVE, marks })
    const fromIntake = await postReport(t.app, reportBody({ narrative: NARRATIVE, marks }))

    expect(fromPreview.statusCode).toBe(400)
    expect(fromPreview.json().message).toMatch(message)
    expect(fromIntake.statusCode).toBe(400)
    expect(fromIntake.json()).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringMatching(message) })
    expect(await countReports()).toBe(before)
  })

  it.each([
    ['a word the pipeline already removed (no way to restore or reveal it)', 'Okafor'],
    ['text that is not in the narrative', 'Zebulon Crescent'],
    ['part of a word', 'Annu'],
    ['the inside of a placeholder', 'NAME']
  ])('refuses at intake a mark matching nothing still shown: %s — 400 without echoing it', async (_name, phrase) => {
    const before = await countReports()
    const res = await postReport(t.app, reportBody({ narrative: NARRATIVE, marks: [{ phrase: 'fish' }, { phrase }] }))

    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^body\.marks\.1\.phrase: matches no words still shown/)
    })
    expect(res.body).not.toContain(phrase)
    expect(await countReports()).toBe(before)
  })
})
