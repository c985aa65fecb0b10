import { describe, expect, it } from 'vitest'
import { quasiIdentifiers } from '../../src/lib/disclosure/quasi-identifiers.js'

const kinds = (text: string) => quasiIdentifiers(text).map((flag) => flag.kind)

describe('quasi-identifying phrases in a learning point (issue 18.1)', () => {
  it("flags the audit's example on every count: uniqueness with a period, multiples, a rare setting", () => {
    const text = 'Only court case this quarter: the [NAME] family court hearing for the twins was nearly missed.'
    const flags = quasiIdentifiers(text)
    expect(flags).toContainEqual({ kind: 'uniqueness', phrase: 'Only court case this quarter' })
    expect(flags).toContainEqual({ kind: 'kinship', phrase: 'twins' })
    expect(flags).toContainEqual({ kind: 'rare_setting', phrase: 'family court' })
  })

  it.each([
    ['The first time this year a strategy meeting was held without the school.', 'uniqueness'],
    ['This month the one referral from the GP went unanswered.', 'uniqueness'],
    ['Triplets placed apart; contact plan not shared.', 'kinship'],
    ['Grandmother was not told of the change of placement.', 'kinship'],
    ['A sibling group of four moved twice in a week.', 'kinship'],
    ['The secure children’s home was not sent the plan.', 'rare_setting'],
    ["The secure children's home was not sent the plan.", 'rare_setting'],
    ['Mother and baby unit discharge was not flagged to the team.', 'rare_setting']
  ])('flags %j as %s', (text, kind) => {
    expect(kinds(text)).toContain(kind)
  })

  it.each([
    'Check the address on file before sending minutes.',
    'Handover notes should name the allocated worker and the next visit date.',
    'Mother was not invited to the core group; invitations should come from the chair.',
    'Only send minutes after checking who is on the distribution list.',
    'The first visit should be within five working days.'
  ])('leaves an ordinary point alone: %j', (text) => {
    expect(quasiIdentifiers(text)).toEqual([])
  })
})
