import { ENGLISH_WORDS, KEEP_PROPER } from './lexicon.js'
import { spokenDates } from './spoken-dates.js'
import type { Candidate, IdentifierType } from './types.js'

/**
 * Deterministic recognisers for identifiers with a shape: e-mail, URL, phone, UK postcode, NHS number (with its
 * modulus-11 check), National Insurance number, dates, ages, case and reference numbers, street addresses and
 * organisations with a place in their name. Every pattern is linear: no nested or overlapping quantifiers
 * (ASVS 5.0 1.3.12), and a property test runs them on adversarial input at the 10,000-character limit.
 */

type Recogniser = (text: string) => Candidate[]

/** An everyday word, a calendar word, a nation or a service name: not something that names a place. */
const isCommonWord = (word: string) => {
  const lower = word.toLowerCase().replace(/['’]s$/, '')
  return ENGLISH_WORDS.has(lower) || KEEP_PROPER.has(lower)
}

/** A literal alternation made case-insensitive letter by letter, so the rest of a pattern can stay case-sensitive. */
const anyCase = (alternation: string) =>
  alternation.replace(/\p{Ll}/gu, (letter) => `[${letter}${letter.toUpperCase()}]`)

// Higher wins an overlap; between equals, the longer span wins.
const PRIORITY = {
  EMAIL: 100,
  URL: 95,
  NHS_NUMBER: 90,
  NI_NUMBER: 90,
  POSTCODE: 85,
  DATE_OF_BIRTH: 82,
  DATE: 80,
  PHONE: 70,
  CASE_REF: 60,
  ADDRESS: 55,
  ORG: 50,
  AGE: 45
} as const

const matches = (text: string, pattern: RegExp, type: IdentifierType, group = 0): Candidate[] => {
  const found: Candidate[] = []
  for (const match of text.matchAll(pattern)) {
    const value = match[group]
    if (value === undefined || match.index === undefined) {
      continue
    }
    const start = match.index + match[0].indexOf(value)
    found.push({ type, start, end: start + value.length, priority: PRIORITY[type as keyof typeof PRIORITY] ?? 40 })
  }
  return found
}

const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']{2,2000}/giu

/** NHS numbers: ten digits, optionally 3-3-4 with spaces or hyphens, whose modulus-11 check digit is right. */
export const isValidNhsNumber = (digits: string): boolean => {
  if (!/^\d{10}$/.test(digits)) {
    return false
  }
  let sum = 0
  for (let i = 0; i < 9; i++) {
    sum += Number(digits[i]) * (10 - i)
  }
  const check = 11 - (sum % 11)
  const expected = check === 11 ? 0 : check
  return expected !== 10 && expected === Number(digits[9])
}

// Separators people really type (issue 17): spaces, hyphens with spaces round them, en and em dashes (what Word's
// autocorrect makes), dots, a line break.
const SEP = '(?:[ \\t]{0,2}[-‐‑‒–—.][ \\t]{0,2}|[ \\t]{0,2}\\r?\\n[ \\t]{0,2}|[ \\t]{1,2})?'
const NHS_SHAPE = new RegExp(`(?<![\\d-])(\\d{3})${SEP}(\\d{3})${SEP}(\\d{4})(?!\\d|-\\d)`, 'g')

const nhsNumbers: Recogniser = (text) => {
  const found: Candidate[] = []
  for (const match of text.matchAll(NHS_SHAPE)) {
    const digits = `${match[1]}${match[2]}${match[3]}`
    const start = match.index ?? 0
    // A ten-digit 3-3-4 number that fails the check is still someone's number: keep it out as a reference.
    const isValid = isValidNhsNumber(digits)
    found.push({
      type: isValid ? 'NHS_NUMBER' : 'CASE_REF',
      start,
      end: start + match[0].length,
      // Above PHONE: in this work a 3-3-4 number is far more often a mistyped NHS number than a phone.
      priority: isValid ? PRIORITY.NHS_NUMBER : PRIORITY.PHONE + 5
    })
  }
  return found
}

// HMRC's format, as Presidio writes it: no D, F, I, Q, U, V in either prefix letter, no O second, suffix A–D;
// the prefixes BG, GB, NK, KN, NT, TN and ZZ are never issued.
// In every grouping ("AB 123 456 C", "AB.12.34.56.C") and without the suffix letter, which people often leave off
// (then not after a two-letter word: "at 123456" is a reference after "at", not a number starting "AT").
const NINO_DIGITS = '[ .-]?(?:\\d[ .-]?){5}\\d'
const SHORT_WORDS = '(?:at|to|in|on|of|or|an|as|is|it|by|be|we|he|me|my|no|so|up|us|do|go|am|if|ok|re)\\b'
const ninoPattern = (prefix: string) =>
  // Without its letter, not when more figures follow (a longer number); with it, whatever follows ("AB123456C 1").
  new RegExp(`\\b(?:${prefix}${NINO_DIGITS}[ .-]?[a-d]\\b|(?!${SHORT_WORDS})${prefix}${NINO_DIGITS}\\b(?![ .-]?\\d))`, 'gi')
const NINO = ninoPattern('(?!bg|gb|nk|kn|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]')

// The same shape with letters HMRC never issues ("QQ 12 34 56 C", a typo or a specimen): still someone's number.
const NINO_SHAPE = ninoPattern('[a-z]{2}')

// UK postcodes (Royal Mail shapes, any case, space optional), including GIR 0AA, and British Forces (BFPO).
const POSTCODE =
  /\b(?:gir ?0aa|bfpo ?\d{1,4}|[a-pr-uwyz](?:\d{1,2}|[a-hk-y]\d{1,2}|\d[a-hjkpstuw]|[a-hk-y]\d[abehmnprv-y]) ?\d[abd-hjlnp-uw-z]{2})\b/gi
// "Postcode: 3520", "zip code is 35350", "ZIP: 7412 SL": whatever follows the word is a postcode.
const POSTCODE_AFTER_LABEL =
  /\b(?:post ?code|postal code|zip(?: ?code)?)\b[\s:]{0,3}(?:is\s{1,3})?((?=[a-z]{0,4}\d)[a-z\d]{2,10}(?:[ -][a-z\d]{2,4})?)\b/gi

// A postcode typed with the letters and figures that look alike swapped ("NE6 SAB", "SW1A IAA", "EI3 0HR") or
// without its space: the shape with O/0, I/1 and S/5 allowed either way, kept when swapping some of them back makes
// a real postcode and at least one true figure was typed (so no run of letters is ever read as one).
const POSTCODE_LOOKALIKE = /\b(?=[a-z\d]{0,4}\d|[a-z\d]{2,4} \d)[a-z05][a-z\dois]{1,3} ?[\dois][a-z05]{2}\b/gi
const LOOKS_LIKE: Record<string, string> = { o: '0', i: '1', s: '5', 0: 'o', 1: 'i', 5: 's' }
const STRICT_POSTCODE = new RegExp(`^(?:${POSTCODE.source})$`, 'i')

/** Every reading of the outward code with any of its look-alike characters swapped (at most four: 16 readings). */
const readings = (outward: string): string[] =>
  [...outward].reduce<string[]>((all, char) => {
    const other = LOOKS_LIKE[char]
    return all.flatMap((start) => (other ? [start + char, start + other] : [start + char]))
  }, [''])

const postcodeLookalikes: Recogniser = (text) => {
  const found: Candidate[] = []
  for (const match of text.matchAll(POSTCODE_LOOKALIKE)) {
    const value = match[0].toLowerCase()
    if (!/\d/.test(value) || STRICT_POSTCODE.test(value)) {
      continue
    }
    const compact = value.replace(' ', '')
    // An outward code whose only figure was typed as a letter ("NEI 0AA") — unless it is a word: "was 055" is not
    // "WA5 0SS".
    const outwardTyped = compact.slice(0, -3)
    // Nor one with no letter typed at all: "5069 0ap" is four figures and a word, not "SO69 0AP".
    if (!/[a-z]/.test(outwardTyped) || (!/\d/.test(outwardTyped) && outwardTyped.length >= 3 && isCommonWord(outwardTyped))) {
      continue
    }
    const swap = (char: string) => LOOKS_LIKE[char] as string
    const inward = `${(compact.at(-3) ?? '').replace(/[ois]/, swap)}${compact.slice(-2).replace(/[05]/g, swap)}`
    if (readings(compact.slice(0, -3)).some((outward) => STRICT_POSTCODE.test(`${outward} ${inward}`))) {
      const start = match.index ?? 0
      found.push({ type: 'POSTCODE', start, end: start + match[0].length, priority: PRIORITY.POSTCODE })
    }
  }
  return found
}

const CANADIAN_POSTCODE = /\b[abceghj-nprstvxy]\d[abceghj-nprstv-z] ?\d[abceghj-nprstv-z]\d\b/gi

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?'
const YEAR = '(?:19|20)\\d{2}'
// 12/03/2019, 12-3-19, 12.03.2019, 2019-03-12, 12 March 2019, 12th of March, 2019, March 12th 2019, 12 Mar 19.
const DATE_PATTERNS = [
  /\b(?:[12]\d|3[01]|0?[1-9])[/.-](?:1[0-2]|0?[1-9])[/.-](?:\d{4}|\d{2})\b/g,
  /\b(?:1[0-2]|0?[1-9])[/.-](?:[12]\d|3[01]|0?[1-9])[/.-](?:\d{4}|\d{2})\b/g,
  /\b(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])\b/g,
  new RegExp(`\\b${DAY}(?: of)? (?:${MONTHS})\\.?,? (?:${YEAR}|'?\\d{2})\\b`, 'gi'),
  new RegExp(`\\b(?:${MONTHS})\\.? ${DAY},? (?:${YEAR}|'?\\d{2})\\b`, 'gi'),
  // A day and month with no year is still an exact date ("on 12 March", "March 12th").
  new RegExp(`\\b${DAY}(?: of)? (?:${MONTHS})\\b(?! ${YEAR})`, 'gi'),
  new RegExp(`\\b(?:${MONTHS}) (?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)\\b`, 'gi')
]
const BIRTH_CUE = /\b(?:d\.?o\.?b\.?|date of birth|born(?: on| in)?|birthday(?: is)?|birth date)[\s:,]{0,3}$/i

const dates: Recogniser = (text) => {
  const found: Candidate[] = []
  for (const pattern of DATE_PATTERNS) {
    for (const candidate of matches(text, pattern, 'DATE')) {
      // "DOB 3/4/2015", "born on 12 March 2015": a date of birth, whatever its shape.
      const before = text.slice(Math.max(0, candidate.start - 24), candidate.start)
      if (BIRTH_CUE.test(before)) {
        found.push({ ...candidate, type: 'DATE_OF_BIRTH', priority: PRIORITY.DATE_OF_BIRTH })
      } else {
        found.push(candidate)
      }
    }
  }
  // "born in 2015", "DOB: March 2015": a birth year or month is a date of birth too.
  const birthYear = new RegExp(
    `\\b(?:d\\.?o\\.?b\\.?|date of birth|born(?: in| on)?)[\\s:,]{1,3}((?:(?:${MONTHS})\\.? )?${YEAR})\\b`,
    'gi'
  )
  found.push(...matches(text, birthYear, 'DATE_OF_BIRTH', 1))
  return found
}

// R9: exact ages of children (0–17) become [AGE]; bands ("under 5s", "teenager") and adults' ages stay.
const CHILD_AGE = '(?:1[0-7]|[0-9])'
const AGE_PATTERNS = [
  new RegExp(`\\b(?:aged?|age of) (${CHILD_AGE})\\b(?! ?(?:-|to|–) ?\\d)`, 'gi'),
  new RegExp(`\\b(${CHILD_AGE}) ?-?(?:years?|yrs?)-? ?old\\b`, 'gi'),
  new RegExp(`\\b(${CHILD_AGE}) ?yo\\b`, 'gi'),
  /\b(\d{1,2}) ?(?:-| )?(?:months?|weeks?|days?)(?: ?(?:-| )?old)\b/gi,
  new RegExp(`\\(\\s?(${CHILD_AGE})\\s?(?:yrs?|years?|y)?\\s?\\)`, 'gi')
]

// "15 y/o", "Age: 14", "she is 16", "aged fifteen": more ways practitioners write a child's age.
const NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen'
const MORE_AGES = [
  new RegExp(`\\b(${CHILD_AGE}) ?y/o\\b`, 'gi'),
  new RegExp(`\\bage:? (${CHILD_AGE})\\b`, 'gi'),
  new RegExp(
    `\\b(?:she|he|they)(?: is|'s| was| are| were) (${CHILD_AGE})\\b(?![.,]\\d| ?(?:%|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|pm|am|o'clock|visits?|calls?))`,
    'gi'
  ),
  new RegExp(`\\baged? (${NUMBER_WORDS})\\b`, 'gi'),
  new RegExp(`\\b(${NUMBER_WORDS})[ -]years?[ -]old\\b`, 'gi')
]

// "aged 2, 4 and 7": every age in the list.
const AGE_LIST = new RegExp(`\\baged? ((?:${CHILD_AGE}, ){1,6}${CHILD_AGE},? (?:and|&) ${CHILD_AGE})\\b`, 'gi')

const ages: Recogniser = (text) => {
  const found = [...AGE_PATTERNS, ...MORE_AGES].flatMap((pattern) => matches(text, pattern, 'AGE', 1))
  for (const list of matches(text, AGE_LIST, 'AGE', 1)) {
    for (const age of text.slice(list.start, list.end).matchAll(/\d+/g)) {
      const start = list.start + (age.index ?? 0)
      found.push({ type: 'AGE', start, end: start + age[0].length, priority: PRIORITY.AGE })
    }
  }
  return found
}

// Phone numbers, British or not: any run of 7–15 digits in groups with the usual separators, as in
// "0191 496 0875", "07700 900123", "+44 7700 900123", "(08) 8747 6301", "+41 (0)96 471 07 95", "03.93.92.16.85".
// (libphonenumber was tried here first: it found nothing these two patterns missed on any labelled set, and cost
// half the pipeline's time.)
const PHONE_GROUPS =
  /(?<![\w.-])(?:\+\d{1,3}[ .\-–—]?)?(?:\(0?\d{1,4}\)[ .\-–—]?)?\d{2,6}(?:(?:[ .\-–—]| [-–—] | ?\r?\n ?)\d{2,6}){1,7}(?!\w|-\d)/g
// "2019-2020", "2019/20": a span of years, not a number to ring.
const YEAR_RANGE = /^(?:19|20)\d{2} ?[/-] ?(?:(?:19|20)\d{2}|\d{2})$/
// "Apt. 675 62314": a flat number and the next number are an address, not a phone (the unit rule takes them).
const UNIT_BEFORE = /\b(?:flat|apartment|apt|suite|unit|room|box|house|plot)\.? ?#?$/i
const PHONE_CONTIGUOUS = /(?<![\w.-])\+?\d{7,15}(?!\w|-\d)/g
const GROUP = /\+?\d+/g

/**
 * "0191 496 0875 0191 496 0876": numbers written one after another make one run too long to be a phone. The run is
 * split into numbers of ten or eleven figures (a UK number with or without its 0), group by group.
 */
const splitRun = (text: string, candidate: Candidate): Candidate[] => {
  const groups = [...text.slice(candidate.start, candidate.end).matchAll(GROUP)].map((match) => ({
    start: candidate.start + (match.index ?? 0),
    end: candidate.start + (match.index ?? 0) + match[0].length,
    digits: match[0].replace('+', '').length
  }))
  const found: Candidate[] = []
  for (let first = 0; first < groups.length;) {
    let digits = 0
    let last = first
    while (last < groups.length && digits < 10) {
      digits += (groups[last] as { digits: number }).digits
      last++
    }
    const next = groups[last]
    // An eleventh figure in a group of its own belongs to this number only if no number starts there.
    if (digits === 10 && next && next.digits === 1) {
      digits++
      last++
    }
    if (digits >= 10 && digits <= 11) {
      const start = (groups[first] as { start: number }).start
      found.push({ ...candidate, start, end: (groups[last - 1] as { end: number }).end })
      first = last
    } else {
      first++
    }
  }
  return found
}

const phones: Recogniser = (text) => {
  const found: Candidate[] = []
  for (const pattern of [PHONE_GROUPS, PHONE_CONTIGUOUS]) {
    for (const candidate of matches(text, pattern, 'PHONE')) {
      const value = text.slice(candidate.start, candidate.end)
      const digits = value.replace(/\D/g, '')
      const unitBefore = UNIT_BEFORE.test(text.slice(Math.max(0, candidate.start - 12), candidate.start))
      if (digits.length >= 7 && digits.length <= 15 && !YEAR_RANGE.test(value) && !unitBefore) {
        found.push(candidate)
      } else if (digits.length > 15) {
        found.push(...splitRun(text, candidate))
      }
    }
  }
  return found
}

// Payment cards: 13 to 19 figures in any grouping whose Luhn check holds ("4012 8888 8888 1881"): a reference.
const CARD = new RegExp(`(?<![\\d.-])\\d(?:${SEP}\\d){12,18}(?![\\d-])`, 'g')
const luhn = (digits: string) => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      digit -= digit > 9 ? 9 : 0
    }
    sum += digit
  }
  return sum % 10 === 0
}
const cards: Recogniser = (text) =>
  matches(text, CARD, 'CASE_REF')
    .filter((candidate) => luhn(text.slice(candidate.start, candidate.end).replace(/\D/g, '')))
    .map((candidate) => ({ ...candidate, priority: PRIORITY.NHS_NUMBER - 1 }))

// Obfuscated e-mails (issue 17): "john at gmail dot com", "john dot smith at gmail.com", "john[at]gmail[dot]com",
// "john (at) gmail.com", "john @ gmail.com". The address must end in a top-level domain, so "mum at home" is not one.
const DOT = '(?:\\.|\\s?[\\[(]dot[\\])]\\s?| dot )'
const AT = '(?:\\s?@\\s?|\\s?[\\[(]at[\\])]\\s?| at )'
const LABEL = '[\\p{L}\\p{N}_%+-]{1,64}'
const TLD = '(?:com|net|org|uk|co|gov|nhs|ac|edu|io|me|info|biz|ie|eu|de|fr|es|it|nl|pl|ro|lt|lv|in|pk|ng|gh|us|ca|au)'
const OBFUSCATED_EMAIL = new RegExp(`(?<![\\p{L}\\p{N}._%+-])${LABEL}(?:${DOT}${LABEL}){0,3}${AT}${LABEL}(?:${DOT}${LABEL}){0,3}${DOT}${TLD}(?![\\p{L}\\p{N}])`, 'giu')

// R10: any token of 6+ characters holding 5+ digits (MOS-123456, LA/2023/00781) or any 8+ digit run is a
// reference; so is what follows "case/ref/ID number": "case ref 4471", "Mosaic ID: AB1234".
const REF_TOKEN = /(?<![\w/-])[\w/-]{6,40}(?![\w/-])/g
const REF_AFTER_LABEL =
  /\b(?:case|ref(?:erence)?|id|no\.|number|file|account|crime|incident|log|client|mosaic|lcs|ccn)(?: (?:ref(?:erence)?|number|no|id))?\.?(?: is)?[\s:#]{1,3}([a-z]{0,4}[/-]?\d[\w/-]{2,30})\b/gi

const references: Recogniser = (text) => {
  const found: Candidate[] = []
  for (const candidate of matches(text, REF_TOKEN, 'CASE_REF')) {
    const token = text.slice(candidate.start, candidate.end)
    const digits = token.replace(/\D/g, '').length
    if (digits >= 5 || /\d{8}/.test(token)) {
      found.push(candidate)
    }
  }
  found.push(...matches(text, REF_AFTER_LABEL, 'CASE_REF', 1))
  return found
}

// Street addresses: a house number (or Flat/Apt/Unit n) and one to four words ending in a street word, plus
// flat, suite and box numbers and "the corner of …" — UK first, but the shapes are common elsewhere.
const STREET_WORDS =
  'street|st|road|rd|avenue|ave|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|place|pl|terrace|terr|gardens|gdns|grove|gr|square|sq|hill|park|mews|view|walk|row|parade|green|rise|vale|boulevard|blvd|wharf|yard|estate|heights|turnpike|highway|hwy|pass|harbor|harbour|mall|plaza|str|strasse|straße|gasse|vej|veien|tie|katu|vegur|straat|weg'
const STREET = new RegExp(
  `(?<![\\p{L}\\d])(?:\\d{1,5}[a-zA-Z]?,? (?:\\d{1,5}[a-zA-Z]? )?)?(?:[\\p{Lu}][\\p{L}'’.-]{1,30} ){1,4}(?:${anyCase(STREET_WORDS)})(?![\\p{L}])\\.?(?: \\d{1,5}[a-zA-Z]?(?![\\p{L}\\d]))?`,
  'gu'
)
const UNIT = /\b(?:flat|apartment|apt|suite|unit|room|box|p\.? ?o\.? box|house|plot|psc|dpo|apo|fpo)\.? ?#?\d{1,5}[a-z]?\b/gi
const STREET_PREFIX = new RegExp(
  `(?<![\\p{L}])(?:${anyCase('rua|rue|calle|avenida|av\\.|via|viale|piazza|ul\\.|ulica|strada|trg|plaza|praça|carrer|camino')}) (?:[\\p{L}'’-]{2,30} ){0,3}\\d{1,5}[a-zA-Z]?(?![\\p{L}\\d])`,
  'gu'
)
const FOREIGN_STREET = /\b(?:[\p{Lu}][\p{Ll}'’-]{3,30}(?:straat|strasse|straße|gasse|vej|veien|tie|katu|vegur|weg|väg|gatan|straeti|stræde|gade|vägen|utca|ulica)) \d{1,5}\b/gu

// Street words that are also everyday words ("the Family Court", "an English place") need a house number or a
// name no dictionary has in front of them.
const PLAIN_STREET_WORDS =
  /^(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|crescent|cres|terrace|terr|gardens|gdns|grove|gr|mews|boulevard|blvd|turnpike|highway|hwy|str|strasse|straße|gasse|vej|veien|tie|katu|vegur|straat|weg)$/i

const isStreet = (value: string) => {
  if (/\d/.test(value)) {
    return true
  }
  const words = value.replace(/\.$/, '').split(/\s+/)
  const streetWord = (words.at(-1) ?? '').toLowerCase()
  return (
    PLAIN_STREET_WORDS.test(streetWord) ||
    words.slice(0, -1).some((word) => !isCommonWord(word))
  )
}

// "the family at number 41": a house number without its street is still where someone lives.
const HOUSE_NUMBER = /\b(?:at|to|from|of) (?:number|no\.?) (\d{1,4}[a-z]?)\b/gi

export const addresses: Recogniser = (text) => [
  ...matches(text, HOUSE_NUMBER, 'ADDRESS', 1),
  ...matches(text, STREET, 'ADDRESS').filter((candidate) => isStreet(text.slice(candidate.start, candidate.end))),
  ...matches(text, UNIT, 'ADDRESS'),
  ...matches(text, FOREIGN_STREET, 'ADDRESS'),
  ...matches(text, STREET_PREFIX, 'ADDRESS')
]

// Schools, surgeries, children's homes and teams named after a place: "St Mary's Primary School",
// "Riverside Surgery", "the Longbenton team", "Oakfield Children's Home", "Westgate Family Hub".
const ORG_SUFFIX =
  "primary(?: school| academy)?|junior school|infant school|secondary school|high school|school|academy|college|nursery|pre-?school|surgery|medical (?:centre|center|practice)|health (?:centre|center)|practice|hospital|clinic|children'?s (?:home|centre|center)|family (?:hub|centre|center)|community centre|police station|team|hub|mash|front door|refuge|hostel|church|mosque|temple|gurdwara|synagogue|borough council|city council|county council|council"
const ORG = new RegExp(
  `(?<![\\p{L}])(?:[Ss]t\\.? )?(?:[\\p{Lu}][\\p{L}'’-]{1,30} ){1,4}(?:${anyCase(ORG_SUFFIX)})(?![\\p{L}])`,
  'gu'
)

const GENERIC_ORG_WORDS = new Set(
  'the a an my your our their his her this that these those which what whose whichever any each every another some no both either neither same other whole old new local primary secondary high junior infant infants special nursery community medical health children childrens family police city county borough council school academy college team hub new main central st'.split(' ')
)
const TEAM_SUFFIX = /(?:team|hub|mash|front door|council)$/i
// Words that say what kind of team it is, not where: "Child Protection Team", "North Duty Team".
export const TEAM_KIND_WORDS = new Set(
  `child children protection assessment duty intake safeguarding care leaving youth offending family families support
  early help disability disabled fostering adoption edge adolescent adolescents exploitation referral referrals contact
  court legal review reviewing independent permanence placement placements health mental emergency out hours social
  work front door hub locality area district north south east west central city county borough council local
  authority multi agency partnership quality management senior business admin of and in the for with young people
  persons carers special educational needs virtual school team unit service services first response triage`
    .split(/\s+/)
    .filter(Boolean)
)

export const organisations: Recogniser = (text) =>
  matches(text, ORG, 'ORG').filter((candidate) => {
    const words = text
      .slice(candidate.start, candidate.end)
      .toLowerCase()
      .replace(/['’]s\b/g, '')
      .split(/\s+/)
    // Generic words and service names ("the GP practice", "the CAMHS team") do not name a particular place.
    const nameWords = words
      .slice(0, -1)
      .filter((word) => !GENERIC_ORG_WORDS.has(word.replace(/\.$/, '')) && !KEEP_PROPER.has(word))
    if (nameWords.length === 0) {
      return false
    }
    // "Child Protection Team" is a kind of team; "Longbenton Team" and "Felling Team" are places. Teams and
    // councils need a word that is not a kind of team; a school or surgery with any name of its own is specific.
    return TEAM_SUFFIX.test(words.join(' ')) ? nameWords.some((word) => !TEAM_KIND_WORDS.has(word)) : true
  })

// Social media handles: "@kaylaxo".
const HANDLE = /(?<![\w@.])@[A-Za-z0-9_.]{2,30}\b/g
// UK vehicle registrations since 2001, in capitals: "AB12 CDE".
const VEHICLE = /\b[A-HJ-PR-Y][A-HJ-PR-Y]\d{2} ?[A-HJ-PR-Z]{3}\b/g
// A postcode district named as a place: "lives in NE6", "the DH1 area" (never "S47" or "s17": those are law).
const DISTRICT = /\b(?:in|at|from|near|around|postcode|to)\s((?![Ss]\d)[A-PR-UWYZ][A-HK-Y]?\d{1,2}[A-Z]?)\b|\b((?![Ss]\d)[A-PR-UWYZ][A-HK-Y]?\d{1,2}[A-Z]?) area\b/g
// A day and month in figures, after a word that makes it a date: "on 12/3", "dated 4.11".
const SHORT_DATE = /\b(?:on|dated|by|from|until|till|since|before|after)\s((?:[12]\d|3[01]|0?[1-9])[/.](?:1[0-2]|0?[1-9]))(?![/.]?\d)/gi

const districts: Recogniser = (text) => [
  ...matches(text, DISTRICT, 'POSTCODE', 1),
  ...matches(text, DISTRICT, 'POSTCODE', 2)
]

export const STRUCTURED_RECOGNISERS: readonly Recogniser[] = [
  (text) => matches(text, HANDLE, 'HANDLE'),
  (text) => matches(text, VEHICLE, 'CASE_REF'),
  districts,
  (text) => matches(text, SHORT_DATE, 'DATE', 1),
  (text) => matches(text, EMAIL, 'EMAIL'),
  (text) => matches(text, OBFUSCATED_EMAIL, 'EMAIL'),
  cards,
  (text) => matches(text, URL_PATTERN, 'URL'),
  nhsNumbers,
  (text) => matches(text, NINO, 'NI_NUMBER'),
  (text) => matches(text, NINO_SHAPE, 'CASE_REF'),
  (text) => matches(text, POSTCODE, 'POSTCODE'),
  (text) => matches(text, POSTCODE_AFTER_LABEL, 'POSTCODE', 1),
  postcodeLookalikes,
  (text) => matches(text, CANADIAN_POSTCODE, 'POSTCODE'),
  dates,
  spokenDates,
  ages,
  phones,
  references,
  addresses,
  organisations
]
