import { describe, expect, it } from 'vitest'
import { redact } from '../../src/lib/redaction/index.js'
import { GAZETTEER_SET, hasPublicEval, loadCorpora, PUBLIC_SETS, STRUCTURED_TYPES } from './corpora.js'
import { groupRecall, score } from './score.js'

// Measured accuracy is a release gate (R13): these fail the build when the pipeline slips below the targets of
// the intake issue on our UK sets, or below today's figures on the public set (whose foreign ZIP codes and
// country names are not this service's concern: see docs/benchmarks.md).

const corpora = loadCorpora()
const scoreOf = (name: string) => {
  const samples = corpora[name] ?? []
  return score(
    samples,
    samples.map((sample) => redact(sample.text).redacted)
  )
}

describe.each(Object.keys(corpora).filter((name) => name.startsWith('uk-')))('%s', (name) => {
  const result = scoreOf(name)

  it('removes structured identifiers (NHS, NI, postcode, phone, e-mail, date of birth, case refs): recall ≥ 0.98', () => {
    expect(groupRecall(result, STRUCTURED_TYPES).recall).toBeGreaterThanOrEqual(0.98)
  })

  // Pooling could hide one type slipping (a handful of NHS numbers among many e-mails), so each is gated alone.
  it.each(STRUCTURED_TYPES)('removes %s: recall ≥ 0.98 on its own', (type) => {
    expect(result.byType[type]?.recall ?? 1).toBeGreaterThanOrEqual(0.98)
  })

  it('removes names: recall ≥ 0.95', () => {
    expect(result.byType.NAME?.recall).toBeGreaterThanOrEqual(0.95)
  })

  it('keeps domain words: keep rate ≥ 0.98', () => {
    expect(result.keep.rate).toBeGreaterThanOrEqual(0.98)
  })
})

// Issue 11: the public set as written, in lower case, and a seeded typo'd copy of each. Each must reach recall 0.95
// overall and for every type with 10 or more examples, keep 0.98, and the structured types stay at 1.000.
const PUBLIC_STRUCTURED = ['EMAIL', 'PHONE', 'NHS_NUMBER', 'NI_NUMBER', 'DATE_OF_BIRTH', 'OTHER']

describe.skipIf(!hasPublicEval()).each(Object.values(PUBLIC_SETS).filter((name) => corpora[name] !== undefined))(
  '%s (../shared/eval)',
  (name) => {
    const result = scoreOf(name)

    it('removes identifiers: recall ≥ 0.95 overall', () => {
      expect(result.overall.recall).toBeGreaterThanOrEqual(0.95)
    })

    it('removes every type with 10 or more examples: recall ≥ 0.95', () => {
      for (const [type, entry] of Object.entries(result.byType)) {
        if (entry.total >= 10) {
          expect(entry.recall, type).toBeGreaterThanOrEqual(0.95)
        }
      }
    })

    it('keeps structured identifiers at 1.000', () => {
      for (const type of PUBLIC_STRUCTURED) {
        expect(result.byType[type]?.recall ?? 1, type).toBe(1)
      }
    })

    it('keeps the ordinary words: keep rate ≥ 0.98', () => {
      expect(result.keep.rate).toBeGreaterThanOrEqual(0.98)
    })
  }
)

// Names, towns and settings drawn from the redactor's own lists, in sentences, as typed, in lower case and in
// capitals: every entry must be found, not a few remembered ones. With them, the kinds only context finds: address
// blocks and ", Locality" of ordinary words, employers and firms named by their kind, look-alike postcodes.
describe(GAZETTEER_SET, () => {
  const result = scoreOf(GAZETTEER_SET)

  it.each(['NAME', 'ADDRESS', 'ORG', 'POSTCODE'])('removes %s: recall ≥ 0.95', (type) => {
    expect(result.byType[type]?.total).toBeGreaterThan(50)
    expect(result.byType[type]?.recall).toBeGreaterThanOrEqual(0.95)
  })

  it('keeps the domain words (Section 47, ICPC, MASH, s.17, Mosaic, weekdays, roles, durations): keep ≥ 0.98', () => {
    expect(result.keep.rate).toBeGreaterThanOrEqual(0.98)
  })
})
