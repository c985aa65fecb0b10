import { COMMON_WORDS, KEEP_PROPER, TITLES } from './lexicon.js'
import type { Candidate, Finding } from './types.js'

/**
 * Address lines (issue 11, and issue 17 item 4): once a street, house number or postcode is found, the words beside
 * it that complete the address go too, whatever they are made of — "Mill Village", "Marshland", a region code
 * "NS", a town the lists do not hold. Three shapes, each anchored on something already found:
 * - a number, a word and a number ("87331 Dunajska 56", "4823 Rigvej 144"): the first number is a house number;
 * - ", Locality" straight after a street or postcode, ending the clause ("31 Seneca Place, Marshland.");
 * - an address block (two or more short lines, one with a street or postcode): what is left on its lines once the
 *   findings are taken out, if it is no more than a few words, is the rest of the address.
 * Offsets point into the original text; the candidates are settled with the findings they sit beside.
 */

const PRIORITY = 30
const YEAR = /^(?:19|20)\d{2}$/
const BLOCK_LINE_MAX = 60
const RESIDUE_MAX_WORDS = 3

const isAnchor = (finding: Finding) => finding.type === 'ADDRESS' || finding.type === 'POSTCODE'
const lowerWord = (word: string) => word.toLowerCase().replace(/['’]s$/u, '')
const TIME_WORDS = new Set(
  'today yesterday tomorrow tonight now then morning afternoon evening night weekend week month year later earlier again too'.split(' ')
)

// "87331 Dunajska 56": a house number before a street that the rules took for a word and its number.
const NUMBER_BEFORE = /(?<![\p{L}\p{N}£$€.,/-])(\d{1,6}[a-z]?) $/u
const NUMBER_FOLLOWS = /^,? \d{1,5}[a-z]?(?![\p{L}\p{N}])/u
const numberedStreets = (text: string, findings: readonly Finding[]): Candidate[] =>
  findings.flatMap((finding) => {
    if (finding.type !== 'PLACE' && finding.type !== 'NAME' && finding.type !== 'ADDRESS') {
      return []
    }
    const before = NUMBER_BEFORE.exec(text.slice(Math.max(0, finding.start - 8), finding.start))
    const after = NUMBER_FOLLOWS.exec(text.slice(finding.end, finding.end + 8))
    if (!before?.[1] || YEAR.test(before[1]) || !after) {
      return []
    }
    // Both numbers go: the house number before and the one after the street ("Dunajska 56").
    const start = finding.start - before[0].length
    const number = after[0].replace(/^,? /, '')
    const from = finding.end + after[0].length - number.length
    return [
      { type: 'ADDRESS' as const, start, end: start + before[1].length, priority: PRIORITY },
      { type: 'ADDRESS' as const, start: from, end: from + number.length, priority: PRIORITY }
    ]
  })

// ", Marshland." / ", studenec" at the end: one or two words closing the clause after a street or postcode.
const LOCALITY_AFTER = /^, ?([\p{L}][\p{L}'’-]*(?: [\p{L}][\p{L}'’-]*)?)(?=\s*(?:[.,;:!?)\n]|$))/u
const localityAfter = (text: string, findings: readonly Finding[]): Candidate[] =>
  findings.flatMap((finding) => {
    const after = isAnchor(finding) ? LOCALITY_AFTER.exec(text.slice(finding.end, finding.end + 64)) : null
    const words = after?.[1]?.split(' ') ?? []
    const common = words.length === 1 && COMMON_WORDS.has(lowerWord(words[0] as string))
    if (!after?.[1] || words.some(isLineWord) || common) {
      return []
    }
    const start = finding.end + after[0].length - after[1].length
    return [{ type: 'ADDRESS' as const, start, end: start + after[1].length, priority: PRIORITY }]
  })

type Line = { start: number; end: number; findings: Finding[] }

/** The text's lines, each with the findings on it (findings come sorted by start: one sweep, no quadratic look-ups). */
const linesOf = (text: string, findings: readonly Finding[]): Line[] => {
  const lines: Line[] = []
  let start = 0
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      lines.push({ start, end: i, findings: [] })
      start = i + 1
    }
  }
  let line = 0
  for (const finding of findings) {
    while (line < lines.length && (lines[line] as Line).end < finding.start) {
      line++
    }
    for (let next = line; next < lines.length && (lines[next] as Line).start < finding.end; next++) {
      ;(lines[next] as Line).findings.push(finding)
    }
  }
  return lines
}

const RESIDUE_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu

/** The words on a line outside every finding, after a "Billing address:" label. */
const residue = (text: string, line: Line) => {
  const words: { start: number; end: number; word: string }[] = []
  const label = text.slice(line.start, line.end).lastIndexOf(':')
  const from = label === -1 ? line.start : line.start + label + 1
  for (const match of text.slice(from, line.end).matchAll(RESIDUE_WORD)) {
    const start = from + (match.index ?? 0)
    const word = match[0].replace(/\.$/, '')
    const end = start + word.length
    if (!line.findings.some((finding) => finding.start < end && start < finding.end)) {
      words.push({ start, end, word })
    }
  }
  return words
}

// Words that belong to a sentence or a salutation, never to an address line of words alone ("No answer", "Dear").
const FUNCTION_WORDS = new Set(
  `a an the and or but of to in on at for with by from no not yes is was are were be been has had have do did will
  would can could should may might must i he she they we you it him them us me my your his her our their this that
  please dear thanks thank regards hi hello ok okay answer called phoned visited seen sent as so if which who whom
  where when while because though although also still already just only even last next first again ever never
  once twice said says told asked agreed`.split(/\s+/)
)
const isLineWord = (word: string) => {
  const lower = lowerWord(word)
  return FUNCTION_WORDS.has(lower) || KEEP_PROPER.has(lower) || TIME_WORDS.has(lower) || TITLES.has(lower)
}

type Word = { start: number; end: number; word: string }
const hasDigit = (word: Word) => /\d/.test(word.word)

/**
 * In a block's line, the words outside the findings, in runs. A run between two parts of the address (findings or
 * numbers) is part of it ("Aalborg NO 9100", "FAUSKE nan 8200"); a run before or after them only if it reads as no
 * sentence ("Please return to Unit 4719" keeps "Please return to"); a line of words alone likewise ("Mill Village").
 */
const lineResidue = (text: string, line: Line): Word[] => {
  const words = residue(text, line)
  const parts = [...line.findings, ...words.filter(hasDigit)]
  const firstPart = Math.min(...parts.map((part) => part.start))
  const lastPart = Math.max(...parts.map((part) => part.end))
  const letters = words.filter((word) => !hasDigit(word))
  const inside = letters.filter((word) => word.start > firstPart && word.end < lastPart)
  const outside = letters.filter((word) => !(word.start > firstPart && word.end < lastPart))
  const kept = outside.length <= RESIDUE_MAX_WORDS && !outside.some(({ word }) => isLineWord(word)) ? outside : []
  return [...words.filter(hasDigit), ...inside, ...kept]
}

const addressBlocks = (text: string, findings: readonly Finding[]): Candidate[] => {
  if (!text.includes('\n')) {
    return []
  }
  const lines = linesOf(text, [...findings].sort((a, b) => a.start - b.start))
  const short = (line: Line) => {
    const content = text.slice(line.start, line.end).trim()
    // A line ending a sentence is prose ("DPO AP 70942 in case of an issue."), unless it ends in "St." or "Apt.".
    return content.length > 0 && content.length <= BLOCK_LINE_MAX && !/(?<!\b(?:st|rd|ave|apt|no))[.!?]$/i.test(content)
  }
  const found: Candidate[] = []
  for (let first = 0; first < lines.length; first++) {
    let last = first
    while (last < lines.length && short(lines[last] as Line)) {
      last++
    }
    const block = lines.slice(first, last)
    const anchored = block.some((line) => line.findings.some(isAnchor))
    if (block.length >= 2 && anchored) {
      for (const line of block) {
        for (const { start, end } of lineResidue(text, line)) {
          found.push({ type: 'ADDRESS', start, end, priority: PRIORITY })
        }
      }
    }
    first = last
  }
  return found
}

export const localities = (text: string, findings: readonly Finding[]): Candidate[] => [
  ...numberedStreets(text, findings),
  ...localityAfter(text, findings),
  ...addressBlocks(text, findings)
]
