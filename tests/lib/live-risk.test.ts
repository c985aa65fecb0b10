import { describe, expect, it } from 'vitest'
import { suggestsLiveRisk } from '../../src/lib/live-risk.js'

describe('live-risk diversion', () => {
  it.each([
    'I think the baby is at risk tonight.',
    'She is still living with him and he has a knife.',
    'The child is being hurt at home right now.',
    'He is scared to go home.',
    'Nobody has referred this and she is in danger.',
    'The girl is missing and police have not been told.',
    "He hasn't been seen since Friday."
  ])('flags: %s', (text) => {
    expect(suggestsLiveRisk(text)).toBe(true)
  })

  it.each([
    'Last year a strategy meeting invite went to the wrong address; it was caught by admin.',
    'The risk assessment template asks the wrong question about contact.',
    'We closed the case in March after the plan ended.'
  ])('does not flag: %s', (text) => {
    expect(suggestsLiveRisk(text)).toBe(false)
  })
})
