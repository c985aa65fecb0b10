/**
 * The reporter's own marks (issue 11 item 5): words or phrases the reporter saw in the preview and asked to have
 * removed too. They are applied AFTER the redaction pass, to the text as redacted, and can only remove:
 *
 * - a mark is a phrase, matched case-insensitively, as whole words, with any run of spaces or line breaks standing
 *   for any other, at EVERY place it appears among the words still shown — a name marked once and written three
 *   times must not survive twice;
 * - a match that would touch a placeholder is not a match: a placeholder is never cut, replaced or restored (the
 *   request schema refuses a phrase that contains one, so a mark can only ever cover text still shown);
 * - each match becomes the typed placeholder [REMOVED]; overlapping matches of different marks become one.
 *
 * Pure and synchronous: the preview and the intake call the same function, so what is stored is exactly what the
 * reporter was shown.
 */
import { type Finding, placeholder, type RedactionResult } from './redaction/index.js'

export const REMOVED = 'REMOVED'
export const REMOVED_PLACEHOLDER = `[${REMOVED}]`

/** A placeholder as the redaction writes it: a mark containing one would reach into what was removed. */
export const PLACEHOLDER_PATTERN = /\[[A-Z_]+\]/

export type MarkedFinding = { type: Finding['type'] | typeof REMOVED; start: number; end: number }

export type MarkedResult = {
  redacted: string
  /** The pipeline's findings and the marks', in order, as offsets into the original text. */
  findings: MarkedFinding[]
  /** For each mark, in the order given, how many places it removed (0: it matches nothing still shown). */
  found: number[]
}

/** A stretch of the original text that the redaction kept verbatim, and where it sits in the redacted text. */
type Kept = { redactedStart: number; redactedEnd: number; originalStart: number }

const keptStretches = (original: string, findings: readonly Finding[]): Kept[] => {
  const kept: Kept[] = []
  let originalCursor = 0
  let redactedCursor = 0
  for (const finding of findings) {
    const length = finding.start - originalCursor
    kept.push({ redactedStart: redactedCursor, redactedEnd: redactedCursor + length, originalStart: originalCursor })
    // The redaction writes placeholder(type) for each finding; its length is what the redacted text skips.
    redactedCursor += length + placeholder(finding.type).length
    originalCursor = finding.end
  }
  kept.push({
    redactedStart: redactedCursor,
    redactedEnd: redactedCursor + original.length - originalCursor,
    originalStart: originalCursor
  })
  return kept
}

const WORD_CHAR = /[\p{L}\p{N}]/u
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** The phrase as a whole-word, case-insensitive pattern in which any whitespace matches any whitespace. */
export const markPattern = (phrase: string): RegExp => {
  const trimmed = phrase.trim()
  const body = trimmed.split(/\s+/u).map(escapeRegExp).join('\\s+')
  const before = WORD_CHAR.test(trimmed.at(0) ?? '') ? '(?<![\\p{L}\\p{N}])' : ''
  const after = WORD_CHAR.test(trimmed.at(-1) ?? '') ? '(?![\\p{L}\\p{N}])' : ''
  return new RegExp(`${before}${body}${after}`, 'giu')
}

/** The original with each finding replaced by its placeholder, as the redaction writes it. */
const write = (original: string, findings: readonly MarkedFinding[]) => {
  let out = ''
  let cursor = 0
  for (const finding of findings) {
    const written = finding.type === REMOVED ? REMOVED_PLACEHOLDER : placeholder(finding.type)
    out += original.slice(cursor, finding.start) + written
    cursor = finding.end
  }
  return out + original.slice(cursor)
}

/** Applies the reporter's marks to `base`, the redaction of `original`. Marks never extend outside kept text. */
export const applyMarks = (original: string, base: RedactionResult, phrases: readonly string[]): MarkedResult => {
  if (phrases.length === 0) {
    return { redacted: base.redacted, findings: [...base.findings], found: [] }
  }
  const kept = keptStretches(original, base.findings)
  // Fail closed if the redaction ever writes its text differently from its findings: offsets would then point at
  // the wrong words, and a mark could remove the wrong thing while the right one is stored.
  if (write(original, base.findings) !== base.redacted) {
    throw new Error('the redacted text does not follow its findings; marks cannot be applied')
  }
  const ranges: { start: number; end: number }[] = []
  const found = phrases.map((phrase) => {
    let count = 0
    for (const match of base.redacted.matchAll(markPattern(phrase))) {
      const start = match.index
      const end = start + match[0].length
      // Only a match wholly inside one kept stretch is text still shown; anything else touches a placeholder.
      const stretch = kept.find((item) => start >= item.redactedStart && end <= item.redactedEnd)
      if (stretch === undefined || end === start) {
        continue
      }
      const offset = stretch.originalStart - stretch.redactedStart
      ranges.push({ start: start + offset, end: end + offset })
      count += 1
    }
    return count
  })

  ranges.sort((a, b) => a.start - b.start || a.end - b.end)
  const merged: MarkedFinding[] = []
  for (const range of ranges) {
    const last = merged.at(-1)
    if (last && range.start < last.end) {
      last.end = Math.max(last.end, range.end)
    } else {
      merged.push({ type: REMOVED, ...range })
    }
  }

  const findings = [...base.findings, ...merged].sort((a, b) => a.start - b.start)
  return { redacted: write(original, findings), findings, found }
}
