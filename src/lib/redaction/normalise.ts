/**
 * Issue 17 item 1: text pasted from web pages, Teams or Outlook carries characters that defeat the rules — a
 * zero-width space inside an e-mail or NHS number, full-width digits and "＠", Arabic-Indic or Devanagari digits.
 * The rules read a normalised copy: NFKC, format characters (zero-width space, joiners, soft hyphen, bidi marks)
 * taken out, every decimal digit mapped to ASCII. A map from each unit of the copy back to the original lets the
 * placeholders land on the text the reporter wrote.
 */

export type Normalised = {
  text: string
  /** The original span [start, end) of the findings [from, to) in the copy. */
  toOriginal: (from: number, to: number) => { start: number; end: number }
}

const FORMAT = /\p{Cf}/u
const DIGIT = /\p{Nd}/u
// Only text with a character outside printable ASCII can need any of this: the usual case costs one test.
const PLAIN = /^[\t\n\r\x20-\x7e]*$/

/** A decimal digit's value: digit blocks are runs of ten from their zero, so count back to the run's start. */
const digitValue = (codePoint: number): number => {
  let start = codePoint
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) {
    start--
  }
  return (codePoint - start) % 10
}

const identity = (text: string): Normalised => ({ text, toOriginal: (start, end) => ({ start, end }) })

export const normalise = (text: string): Normalised => {
  if (PLAIN.test(text)) {
    return identity(text)
  }
  let out = ''
  // For each unit of the copy, where its character starts and ends in the original.
  const starts: number[] = []
  const ends: number[] = []
  for (let i = 0; i < text.length;) {
    const codePoint = text.codePointAt(i) as number
    const char = String.fromCodePoint(codePoint)
    const next = i + char.length
    if (!FORMAT.test(char)) {
      const mapped = codePoint > 0x7f && DIGIT.test(char) ? String(digitValue(codePoint)) : char.normalize('NFKC')
      for (let unit = 0; unit < mapped.length; unit++) {
        starts.push(i)
        ends.push(next)
      }
      out += mapped
    }
    i = next
  }
  if (out === text) {
    return identity(text)
  }
  return {
    text: out,
    toOriginal: (from, to) => {
      const start = starts[from] ?? text.length
      return { start, end: to > from ? (ends[to - 1] as number) : start }
    }
  }
}
