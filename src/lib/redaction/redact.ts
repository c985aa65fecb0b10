import { truecase } from './casing.js'
import { localities } from './locality.js'
import { findNames } from './names.js'
import { normalise } from './normalise.js'
import { findPlaces } from './places.js'
import { scriptNames } from './scripts.js'
import { addresses, organisations, STRUCTURED_RECOGNISERS } from './structured.js'
import { type Candidate, type Finding, placeholder, type RedactionResult } from './types.js'

/**
 * The redaction pipeline shared by the preview and the intake: every recogniser proposes spans, overlaps are
 * settled (higher priority, then longer, wins), and each surviving span is replaced by a typed placeholder.
 * Findings point into the original text. Pure and synchronous; nothing is kept.
 */

/** Kept spans, ordered by start and never overlapping, with binary search: settling stays O(n log n). */
class SpanSet {
  readonly spans: Candidate[] = []

  /** Index of the first span that ends after `start`. */
  private firstEndingAfter (start: number): number {
    let low = 0
    let high = this.spans.length
    while (low < high) {
      const middle = (low + high) >> 1
      if ((this.spans[middle] as Candidate).end <= start) {
        low = middle + 1
      } else {
        high = middle
      }
    }
    return low
  }

  overlapping (candidate: Finding): { index: number; spans: Candidate[] } {
    const index = this.firstEndingAfter(candidate.start)
    let last = index
    while (last < this.spans.length && (this.spans[last] as Candidate).start < candidate.end) {
      last++
    }
    return { index, spans: this.spans.slice(index, last) }
  }

  replace (index: number, count: number, candidate: Candidate) {
    this.spans.splice(index, count, candidate)
  }
}

const settle = (candidates: Candidate[]): Finding[] => {
  const ordered = [...candidates].sort(
    (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start
  )
  const kept = new SpanSet()
  const lost: Candidate[] = []
  for (const candidate of ordered) {
    if (candidate.end <= candidate.start) {
      continue
    }
    const { index, spans } = kept.overlapping(candidate)
    if (spans.length === 0) {
      kept.replace(index, 0, candidate)
    } else {
      lost.push(candidate)
    }
  }
  // A candidate that lost to something it wholly contains takes its place ("Bewick Road Surgery" over the street
  // "Bewick Road"): the longer span removes more, never less.
  for (const candidate of lost) {
    const { index, spans } = kept.overlapping(candidate)
    const length = candidate.end - candidate.start
    const containsAll = spans.every(
      (other) => candidate.start <= other.start && other.end <= candidate.end && other.end - other.start < length
    )
    if (spans.length > 0 && containsAll) {
      kept.replace(index, spans.length, candidate)
    }
  }
  return kept.spans.map(({ type, start, end }) => ({ type, start, end }))
}

// In an address block — short lines with a street, a flat number or a postcode on them, or up to four lines below
// one — bare numbers of three to six digits are house numbers and foreign postcodes (except years and sums of
// money), and lone two-letter codes are states or provinces ("SK", "NS"). Long lines are prose, not addresses.
const ADDRESS_LINE_MAX = 80
const BARE_NUMBER = /(?<![\w£$€.,/-])\d{3,6}(?![\w/-]|[.,]\d)/g
const YEAR = /^(?:19|20)\d{2}$/

// "ARENDAL 4844", "Acquapendente 1021": a number straight after a place is its postcode.
const NUMBER_AFTER = /^[ ,]{1,2}(\d{3,6}(?:[ -]\d{2,4})?)(?![\w/-]|[.,]\d)/

const addressContext = (text: string, findings: Finding[], upper: boolean): Candidate[] => {
  const found: Candidate[] = []
  for (const finding of findings) {
    // After a name too: a misspelt town ("Akureyrri 80296") is taken for a person, and a bare number of three to
    // six digits straight after a person's name is no harmless figure either.
    if (finding.type === 'PLACE' || finding.type === 'ADDRESS' || finding.type === 'NAME') {
      const after = NUMBER_AFTER.exec(text.slice(finding.end, finding.end + 16))
      if (after?.[1] && !YEAR.test(after[1])) {
        const start = finding.end + after[0].indexOf(after[1])
        found.push({ type: 'POSTCODE', start, end: start + after[1].length, priority: 30 })
      }
    }
  }
  const anchors = findings.filter((finding) => finding.type === 'ADDRESS' || finding.type === 'POSTCODE')
  if (anchors.length === 0) {
    return found
  }
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') {
      lineStarts.push(i + 1)
    }
  }
  const lineOf = (offset: number) => {
    let low = 0
    let high = lineStarts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((lineStarts[middle] as number) <= offset) {
        low = middle
      } else {
        high = middle - 1
      }
    }
    return low
  }
  const lineLength = (line: number) =>
    ((lineStarts[line + 1] ?? text.length + 1) as number) - 1 - (lineStarts[line] as number)
  const lines = new Set<number>()
  for (const anchor of anchors) {
    const line = lineOf(anchor.start)
    for (let next = line; next <= line + 4 && next < lineStarts.length; next++) {
      if (lineLength(next) <= ADDRESS_LINE_MAX) {
        lines.add(next)
      }
    }
  }
  for (const match of text.matchAll(BARE_NUMBER)) {
    const start = match.index ?? 0
    if (!YEAR.test(match[0]) && lines.has(lineOf(start))) {
      found.push({ type: 'ADDRESS', start, end: start + match[0].length, priority: 30 })
    }
  }
  // Not in all-capitals text, where every "TO" and "AT" would look like a state.
  for (const match of upper ? [] : text.matchAll(/(?<![\p{L}])\p{Lu}{2}(?![\p{L}])/gu)) {
    const start = match.index ?? 0
    if (lines.has(lineOf(start))) {
      found.push({ type: 'ADDRESS', start, end: start + 2, priority: 30 })
    }
  }
  return found
}

// "Amelia, 14," and "Jack (8)": a bare child's age straight after a name is still an age.
const AGE_AFTER_NAME = /^\s*[,(]\s*(1[0-7]|[0-9])\s*(?:[,)]|$)/

const ageAfterName = (text: string, findings: Finding[]): Candidate[] =>
  findings.flatMap((finding) => {
    const after = finding.type === 'NAME' ? AGE_AFTER_NAME.exec(text.slice(finding.end, finding.end + 12)) : null
    if (!after?.[1]) {
      return []
    }
    const start = finding.end + after[0].indexOf(after[1])
    return [{ type: 'AGE' as const, start, end: start + after[1].length, priority: 30 }]
  })

/** Findings in the original text, read from its normalised copy (normalise.ts) and mapped back. */
export const findIdentifiers = (text: string): Finding[] => {
  const normalised = normalise(text)
  const findings = findInNormalised(normalised.text)
  if (normalised.text === text) {
    return findings
  }
  return findings.map((finding) => ({ ...finding, ...normalised.toOriginal(finding.start, finding.end) }))
}

const findInNormalised = (text: string): Finding[] => {
  // The name rules read a copy whose capitals can be trusted (casing.ts); where the writer's capitals were not,
  // streets and settings are read from that copy too ("Puruntie 82"), the other formats from the original.
  const { text: cased, trust } = truecase(text)
  // In all-capitals text every word looks like the start of a street or a school ("MOVED TO TUEBROOK. CHILD
  // ATTENDS ST"): streets and settings are read from the truecased copy only.
  const fromOriginal = STRUCTURED_RECOGNISERS.flatMap((recognise) => recognise(text)).filter(
    (candidate) => trust !== 'upper' || (candidate.type !== 'ADDRESS' && candidate.type !== 'ORG')
  )
  const candidates = [
    ...fromOriginal,
    ...(trust === 'cased' ? [] : [...addresses(cased), ...organisations(cased)]),
    ...findNames(cased),
    ...findPlaces(text),
    ...scriptNames(text)
  ]
  const first = settle(candidates)
  const more = [...addressContext(text, first, trust === 'upper'), ...ageAfterName(text, first)]

  const second = more.length === 0 ? first : settle([...sure(first), ...more])
  // The rest of an address line, read beside everything found so far (a number after a place is a postcode now).
  const beside = localities(text, second)
  return beside.length === 0 ? second : settle([...sure(second), ...beside])
}

/** Findings already settled outrank anything proposed beside them. */
const sure = (findings: readonly Finding[]): Candidate[] => findings.map((finding) => ({ ...finding, priority: 100 }))

export const applyFindings = (text: string, findings: readonly Finding[]): string => {
  let out = ''
  let cursor = 0
  for (const finding of findings) {
    out += text.slice(cursor, finding.start) + placeholder(finding.type)
    cursor = finding.end
  }
  return out + text.slice(cursor)
}

export const redact = (text: string): RedactionResult => {
  const findings = findIdentifiers(text)

  return { redacted: applyFindings(text, findings), findings }
}
