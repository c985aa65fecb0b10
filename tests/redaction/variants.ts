import type { Sample } from './corpus/handwritten.js'

/**
 * Variants of a labelled set, made in the tests so no copy is stored (issue 11): the same texts typed with
 * ordinary typos in their names, places and organisations. Deterministic: a seeded generator, so a failure
 * can be reproduced.
 */

export const seeded = (start: number) => {
  let seed = start
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The typos of fast typing: a letter dropped, doubled, or swapped with the next. Never the first letter. */
export const typo = (word: string, random: () => number): string => {
  const at = 1 + Math.floor(random() * (word.length - 2))
  const kind = Math.floor(random() * 3)
  if (kind === 0) {
    return word.slice(0, at) + word.slice(at + 1)
  }
  if (kind === 1) {
    return word.slice(0, at) + (word[at] as string) + word.slice(at)
  }
  return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] as string) + word.slice(at + 2)
}

const TYPO_TYPES = new Set(['NAME', 'ADDRESS', 'ORG'])
const LETTERS_ONLY = /^[\p{L}]{4,}$/u

/**
 * One word of four or more letters in every name, address and organisation gets one typo, everywhere it
 * appears in the text and in the labels; keep strings the change touched are dropped from the sample.
 */
export const withTypos = (samples: readonly Sample[], seed: number): Sample[] => {
  const random = seeded(seed)
  return samples.map((sample) => {
    const changes = new Map<string, string>()
    for (const { type, value } of sample.identifiers) {
      const words = value.split(/[\s,.]+/).filter((word) => LETTERS_ONLY.test(word) && !changes.has(word))
      if (TYPO_TYPES.has(type) && words.length > 0) {
        const word = words[Math.floor(random() * words.length)] as string
        changes.set(word, typo(word, random))
      }
    }
    const apply = (text: string) => {
      let out = text
      for (const [from, to] of changes) {
        out = out.replace(new RegExp(`(?<![\\p{L}])${from}(?![\\p{L}])`, 'gu'), to)
      }
      return out
    }
    const text = apply(sample.text)
    return {
      id: `${sample.id}-typo`,
      text,
      identifiers: sample.identifiers.map(({ type, value }) => ({ type, value: apply(value) })),
      keep: sample.keep.filter((keep) => text.includes(keep))
    }
  })
}
