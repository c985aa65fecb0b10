import type { Candidate } from './types.js'

/**
 * Issue 17 item 2: dates of birth and ages written in words or in short forms the figure rules don't read —
 * "born on the third of March twenty fifteen", "just turned 14", "seven years of age", "DOB 21-May", "born
 * May-2021", "DOB 05/21". A month and year or a month/year pair is only personal beside a birth cue, so those are
 * read only there; "in March we…", "three weeks" and "Section 47" stay. Every pattern is a plain alternation with
 * bounded repeats (linear, as the rest of the pipeline).
 */

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'
const UNITS = 'one|two|three|four|five|six|seven|eight|nine'
const TEENS = 'ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen'
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety'
const ORDINAL_UNITS = 'first|second|third|fourth|fifth|sixth|seventh|eighth|ninth'
// first … thirty-first, in words.
const ORDINAL = `(?:(?:twenty|thirty)[ -]?(?:${ORDINAL_UNITS})|${ORDINAL_UNITS}|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)`
// "twenty fifteen", "nineteen ninety-nine", "twenty oh nine", "two thousand and fifteen", "twenty twenty-one".
const YEAR_WORDS = `(?:(?:nineteen|twenty)[ -](?:(?:${TENS})(?:[ -](?:${UNITS}))?|${TEENS}|(?:oh|o)[ -](?:${UNITS}))|two thousand(?:(?: and)? (?:(?:${TENS})(?:[ -](?:${UNITS}))?|${TEENS}|${UNITS}))?)`
const YEAR = `(?:(?:19|20)\\d{2}|${YEAR_WORDS})`
const CHILD_AGE_WORDS = `${UNITS}|${TEENS.replace(/\|eighteen\|nineteen$/, '')}`
const CHILD_AGE = `(?:1[0-7]|[0-9]|${CHILD_AGE_WORDS})`
const BIRTH_CUE = '(?:d\\.?o\\.?b\\.?|date of birth|birth ?date|born(?: on| in)?|birthday(?: is)?)[\\s:,]{1,3}'

// A day in words: "the third of March", "third March 2015", "March the third", with an optional year. Without
// "of" or a year, "may" and "march" are verbs too ("the first may be the hardest"), so those need one of them.
const SPOKEN_DAY = new RegExp(
  `\\b(?:the )?${ORDINAL}(?: of (?:${MONTHS})| (?:${MONTHS})(?=,? (?:${YEAR})\\b)| (?!may\\b|march\\b)(?:${MONTHS}))\\b(?:,? (?:${YEAR})\\b)?` +
    `|\\b(?:${MONTHS}) the ${ORDINAL}\\b(?:,? (?:${YEAR})\\b)?`,
  'gi'
)
// "21-May", "3-Mar-15": day and month joined by a hyphen are a date wherever they stand.
const HYPHEN_DAY = new RegExp(`\\b(?:[12]\\d|3[01]|0?[1-9])-(?:${MONTHS})\\b(?:-(?:(?:19|20)?\\d{2})\\b)?`, 'gi')
// A timestamp (ISO 8601, as systems export it): "2024-03-15T14:30:00Z" is an exact date and time.
const TIMESTAMP =
  /\b(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/g
// Only after a birth cue: "DOB third March", "born May-2021", "DOB May-21", "DOB: 05/21", "born in March 2015".
const BIRTH_SHORT = new RegExp(
  `\\b${BIRTH_CUE}((?:the )?${ORDINAL} (?:${MONTHS})\\b|(?:(?:${MONTHS})[ -])?${YEAR}\\b|(?:${MONTHS})[-' ]\\d{2}\\b(?![/.-]?\\d)|(?:1[0-2]|0?[1-9])[/.-](?:\\d{2}|(?:19|20)\\d{2})\\b(?![/.-]\\d))`,
  'gi'
)
const BIRTH_CUE_BEFORE = new RegExp(`\\b${BIRTH_CUE.replace('{1,3}', '{0,3}')}(?:the )?$`, 'i')

// Ages: "just turned 14", "turns seven", "seven years of age", "aged seven and a half", "six months old".
const AGES = [
  // Only where the number ends the clause or a time follows: "he turned one of the chairs over" is no age.
  new RegExp(
    `\\b(?:turned|turns|turning|will turn|to turn) (${CHILD_AGE})(?=\\s*(?:[.,;:!?)]|$)|\\s(?:last|this|next|on|in|at|years?|yrs?|today|yesterday|recently|and|but|so|when|during|before|after|since)\\b)`,
    'gi'
  ),
  new RegExp(`\\b(${CHILD_AGE}(?: and a half)?) (?:years?|yrs?) of age\\b`, 'gi'),
  new RegExp(`\\b(${CHILD_AGE}|eighteen|nineteen|twenty|\\d{1,2}) (?:months?|weeks?|days?)[ -]old\\b`, 'gi'),
  new RegExp(`\\baged? (${CHILD_AGE} and a half)\\b`, 'gi')
]

export const spokenDates = (text: string): Candidate[] => {
  const found: Candidate[] = []
  for (const pattern of [SPOKEN_DAY, HYPHEN_DAY, TIMESTAMP]) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0
      const birth = BIRTH_CUE_BEFORE.test(text.slice(Math.max(0, start - 24), start))
      found.push({ type: birth ? 'DATE_OF_BIRTH' : 'DATE', start, end: start + match[0].length, priority: birth ? 82 : 80 })
    }
  }
  for (const match of text.matchAll(BIRTH_SHORT)) {
    const value = match[1] as string
    const start = (match.index ?? 0) + match[0].length - value.length
    found.push({ type: 'DATE_OF_BIRTH', start, end: start + value.length, priority: 82 })
  }
  for (const pattern of AGES) {
    for (const match of text.matchAll(pattern)) {
      const value = match[1] as string
      const start = (match.index ?? 0) + match[0].indexOf(value)
      found.push({ type: 'AGE', start, end: start + value.length, priority: 45 })
    }
  }
  return found
}
