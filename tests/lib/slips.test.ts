import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { oneSlipAway, slipIndex } from '../../src/lib/redaction/slips.js'

// The string-by-string search the hashed look-up replaced: every candidate built and looked up.
const naive = (word: string, has: (candidate: string) => boolean): boolean => {
  if (word.length > 30) {
    return false
  }
  for (let i = 0; i < word.length; i++) {
    if (has(word.slice(0, i) + word.slice(i + 1))) {
      return true
    }
    if (i + 1 < word.length && has(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))) {
      return true
    }
  }
  for (let i = 0; i <= word.length; i++) {
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      if (has(word.slice(0, i) + letter + word.slice(i))) {
        return true
      }
    }
  }
  return false
}

const LIST = ['harvey', 'street', 'close', 'akureyri', 'jo', 'anne-marie', "o'neill", 'zoë', 'llanfairpwllgwyngyll']
const list = new Set(LIST)
const index = slipIndex([LIST], (word) => list.has(word))

describe('typo look-ups by hash', () => {
  it.each([
    ['harveey', true], ['havrey', true], ['harey', true], ['stret', true], ['sterets', false], ['akureyrri', true],
    ['j', true], ['annemarie', false], ['anne-mari', true], ['oneill', false], ['zoëe', true], ['harvey', false],
    ['llanfairpwllgwyngyl', true], ['', false], ['x'.repeat(31), false]
  ])('%s → %s', (word, expected) => {
    expect(oneSlipAway(word, index)).toBe(expected)
    expect(naive(word, (candidate) => list.has(candidate))).toBe(expected)
  })

  it('answers exactly as trying every candidate string does', () => {
    const near = fc.constantFrom(...LIST).chain((word) =>
      fc.tuple(fc.nat(word.length), fc.constantFrom('drop', 'swap', 'add', 'two'), fc.constantFrom(...'aeiorsx')).map(
        ([at, kind, letter]) =>
          kind === 'drop'
            ? word.slice(0, at) + word.slice(at + 1)
            : kind === 'swap'
              ? word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2)
              : kind === 'add'
                ? word.slice(0, at) + letter + word.slice(at)
                : word.slice(0, at) + letter + letter + word.slice(at + 1)
      )
    )
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 34 })), (word) => {
        expect(oneSlipAway(word, index)).toBe(naive(word, (candidate) => list.has(candidate)))
      }),
      { numRuns: 2000 }
    )
  })
})
