/**
 * "Is this word one ordinary typo (a letter dropped, doubled or extra, two letters swapped) away from a listed
 * word?" Trying every candidate string costs ~30 new strings a letter, each hashed for a set look-up: ~0.25 ms a
 * word, which made the typo look-ups the redaction's hot spot. Here every list keeps, beside its words, a bit set
 * of their rolling hashes; a candidate's hash is computed in O(1) from the word's prefix and suffix hashes, with no
 * string built, and only a candidate whose bit is set (a listed word, or about one miss in 30) is checked with the
 * string.
 * The answer is exactly the one the string-by-string search gave.
 */

const BASE = 131
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'
const LETTERS = [...ALPHABET].map((letter) => letter.charCodeAt(0))
/** No listed word or name is longer; past it no look-up is tried. */
export const MAX_SLIP_WORD = 30

// BASE^k for every length a candidate can have.
const POWERS = new Int32Array(MAX_SLIP_WORD + 2)
POWERS[0] = 1
for (let k = 1; k < POWERS.length; k++) {
  POWERS[k] = Math.imul(POWERS[k - 1] as number, BASE)
}
const power = (k: number) => POWERS[k] as number

const hashOf = (word: string): number => {
  let hash = 0
  for (let i = 0; i < word.length; i++) {
    hash = (Math.imul(hash, BASE) + word.charCodeAt(i)) | 0
  }
  return hash
}

/**
 * `bits`: one bit per hash bucket, about 32 buckets a word, so a candidate that is no listed word is turned away by
 * one bit test ~97% of the time; a set bit is confirmed with the string.
 */
export type SlipIndex = { has: (word: string) => boolean; bits: Uint32Array; mask: number }

// Spreads the hash's high bits into the low ones the bucket is taken from.
const bucket = (hash: number, mask: number) => (hash ^ (hash >>> 15)) & mask

const listed = (index: SlipIndex, hash: number) => {
  const at = bucket(hash, index.mask)
  return ((index.bits[at >>> 5] as number) & (1 << (at & 31))) !== 0
}

/** An index over the words of `lists` (only those short enough for a look-up are hashed). */
export const slipIndex = (lists: Iterable<string>[], has: (word: string) => boolean): SlipIndex => {
  let count = 0
  for (const words of lists) {
    for (const word of words) {
      count += word.length <= MAX_SLIP_WORD + 1 ? 1 : 0
    }
  }
  let size = 1024
  while (size < count * 32) {
    size *= 2
  }
  const index: SlipIndex = { has, bits: new Uint32Array(size / 32), mask: size - 1 }
  for (const words of lists) {
    for (const word of words) {
      if (word.length <= MAX_SLIP_WORD + 1) {
        const at = bucket(hashOf(word), index.mask)
        index.bits[at >>> 5] = (index.bits[at >>> 5] as number) | (1 << (at & 31))
      }
    }
  }
  return index
}

// Prefix and suffix hashes of the word being checked: reused buffers, no allocation per word.
const prefix = new Int32Array(MAX_SLIP_WORD + 2)
const suffix = new Int32Array(MAX_SLIP_WORD + 2)

/** True when `word` is one typo away from a word in `index` (not when it is in it unchanged). */
export const oneSlipAway = (word: string, index: SlipIndex): boolean => {
  const n = word.length
  if (n > MAX_SLIP_WORD || n === 0) {
    return false
  }
  prefix[0] = 0
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = (Math.imul(prefix[i] as number, BASE) + word.charCodeAt(i)) | 0
  }
  // suffix[i]: hash of word[i..n), as if it began a string of its own.
  suffix[n] = 0
  for (let i = n - 1; i >= 0; i--) {
    suffix[i] = (Math.imul(word.charCodeAt(i), power(n - 1 - i)) + (suffix[i + 1] as number)) | 0
  }
  const { has } = index
  for (let i = 0; i < n; i++) {
    // A doubled or extra letter: drop it.
    const dropped = (Math.imul(prefix[i] as number, power(n - 1 - i)) + (suffix[i + 1] as number)) | 0
    if (listed(index, dropped) && has(word.slice(0, i) + word.slice(i + 1))) {
      return true
    }
    // Two letters swapped.
    if (i + 1 < n) {
      const swapped =
        (Math.imul(prefix[i] as number, power(n - i)) +
          Math.imul(word.charCodeAt(i + 1), power(n - i - 1)) +
          Math.imul(word.charCodeAt(i), power(n - i - 2)) +
          (suffix[i + 2] as number)) |
        0
      const swap = () => word.slice(0, i) + (word[i + 1] as string) + (word[i] as string) + word.slice(i + 2)
      if (listed(index, swapped) && has(swap())) {
        return true
      }
    }
  }
  // A dropped letter: put one back.
  for (let i = 0; i <= n; i++) {
    const head = Math.imul(prefix[i] as number, power(n - i + 1))
    const tail = suffix[i] as number
    const at = power(n - i)
    for (let l = 0; l < LETTERS.length; l++) {
      const letter = LETTERS[l] as number
      const inserted = (head + Math.imul(letter, at) + tail) | 0
      if (listed(index, inserted) && has(word.slice(0, i) + String.fromCharCode(letter) + word.slice(i))) {
        return true
      }
    }
  }
  return false
}
