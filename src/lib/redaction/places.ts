import { lowerSameLength } from './casing.js'
import { oneSlipAway, slipIndex } from './slips.js'
import { COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, KEEP_PROPER, PLACES, SURNAMES } from './lexicon.js'
import { TEAM_KIND_WORDS } from './structured.js'
import type { Candidate } from './types.js'

/**
 * Places, streets and named settings found whatever the case (issue 11): the recognisers in structured.ts read
 * capitals ("Linnet Close", "Marsh Lane Primary"); these read the words, so "14 linnet close", "marsh lane
 * primary", "new zealand" and a street without a number after "lives on" are found in lower-case text too.
 * They read a lower-case copy of the same length, so offsets point into the original.
 */

const PRIORITY = { PLACE: 34, SURE_PLACE: 45, ADDRESS: 56, ORG: 51 } as const

/** Function words, kinds and counts that never start or make up a place's or setting's own name. */
export const STOP = new Set(
  `a an the my your his her its our their this that these those which what whose any each every another some no
  both either same other old new local nearby previous current former first second next last good bad main central
  big small little special mainstream private independent state faith boarding residential day sunday village
  grammar secondary primary junior infant nursery medical health children children's childrens family community
  police city county borough council school academy college hospital surgery practice clinic st and or of at to
  from in on for with by near into onto via about after before is was are were be been has had have will would
  could should can may might must not i he she they we you it him them us me also then than when where who how
  her's core strategy group meeting team same all one two three four five six seven eight nine ten few many
  several days weeks months years hours minutes times visits visit dental driving dance football`.split(/\s+/)
)

const isWord = (lower: string) => ENGLISH_WORDS.has(lower) || ENGLISH_WORDS.has(lower.replace(/['’-]/g, ''))
const isNamey = (lower: string) =>
  !isWord(lower) || FIRST_NAMES.has(lower) || SURNAMES.has(lower) || PLACES.has(lower)

// --- Places from the gazetteer: the longest listed phrase of up to four words at each position. ---
const TOKEN = /[\p{L}][\p{L}'’.-]*[\p{L}]|[\p{L}]/gu
const MAX_PHRASE = 4
// The first words of the listed phrases and every longer start of one ("new", "isle of" of "isle of wight"): a
// phrase grows a word only while it still starts a listed one, so most words cost one look-up, not four.
const PHRASE_STARTS = new Set<string>()
for (const place of PLACES) {
  for (let space = place.indexOf(' '); space !== -1; space = place.indexOf(' ', space + 1)) {
    PHRASE_STARTS.add(place.slice(0, space))
  }
}

const SINGLE_PLACE = 1
const STARTS_PHRASE = 2

const gazetteer = (lower: string): Candidate[] => {
  const tokens = [...lower.matchAll(TOKEN)].map((match) => ({
    text: match[0].endsWith('s') ? match[0].replace(/['’]s$/u, '') : match[0],
    start: match.index ?? 0
  }))
  const found: Candidate[] = []
  // Each distinct word is looked up in the large lists once per text (narratives repeat most of their words).
  const seen = new Map<string, number>()
  const flagsOf = (word: string): number => {
    let flags = seen.get(word)
    if (flags === undefined) {
      // A single listed word counts only when it is no ordinary word ("bath", "reading" are not taken alone).
      flags = (PLACES.has(word) && !KEEP_PROPER.has(word) && !isWord(word) ? SINGLE_PLACE : 0) |
        (PHRASE_STARTS.has(word) ? STARTS_PHRASE : 0)
      seen.set(word, flags)
    }
    return flags
  }
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as { text: string; start: number }
    const firstFlags = flagsOf(first.text)
    let phrase = first.text
    let match = (firstFlags & SINGLE_PLACE) !== 0 ? 1 : 0
    for (let n = 2; n <= MAX_PHRASE && i + n <= tokens.length; n++) {
      const token = tokens[i + n - 1] as { text: string; start: number }
      const previous = tokens[i + n - 2] as { text: string; start: number }
      const gap = previous.start + previous.text.length
      const startsPhrase = n === 2 ? (firstFlags & STARTS_PHRASE) !== 0 : PHRASE_STARTS.has(phrase)
      if (!startsPhrase || token.start !== gap + 1 || lower[gap] !== ' ') {
        break
      }
      phrase = `${phrase} ${token.text}`
      if (PLACES.has(phrase) && !KEEP_PROPER.has(phrase)) {
        match = n
      }
    }
    if (match > 0) {
      const last = tokens[i + match - 1] as { text: string; start: number }
      // A listed place that is no listed name is a place, even where the name rules also took it for a person.
      const phrase = lower.slice(first.start, last.start + last.text.length)
      const priority = FIRST_NAMES.has(phrase) || SURNAMES.has(phrase) ? PRIORITY.PLACE : PRIORITY.SURE_PLACE
      found.push({ type: 'PLACE', start: first.start, end: last.start + last.text.length, priority })
      i += match - 1
    }
  }
  return found
}

// --- Streets: a house number and up to three words before a street word, any case, the street word allowing a
// typo; or a street with no number after "lives on", "moved to". ---
const STREET_WORDS = new Set(
  `street road avenue lane close drive way crescent court place terrace gardens grove square hill park mews view
  walk row parade green rise vale boulevard wharf yard heights highway harbor harbour mall plaza chase gate gait
  croft fold meadow meadows link wynd brow bank side end st rd ave ln cl dr cres ct pl terr gdns sq blvd hwy`.split(/\s+/)
)
const STREET_SLIPS = slipIndex([STREET_WORDS], (word) => STREET_WORDS.has(word))
// A typo of a street word, but not a word of its own: "the 12 cases closed" is not "12 Cases Close".
const isStreetWord = (word: string) =>
  STREET_WORDS.has(word) || (word.length >= 5 && !ENGLISH_WORDS.has(word) && oneSlipAway(word, STREET_SLIPS))
const NUMBERED = /(?<![\p{L}\d])(?:flat \d{1,4}[a-z]?,? )?\d{1,4}[a-z]?,? ((?:[\p{L}'’-]{1,30} ){1,3})([\p{L}]{1,30})\.?/gu
const UNNUMBERED =
  /\b(?:lives?|living|lived|moved|moving|placed|staying|stays|stayed|address is|address was|house on|flat on)(?: back)? (?:on|at|in|to|into) ((?:[\p{L}'’-]{1,30} ){1,2})(close|road|street|lane|avenue|drive|crescent|grove|gardens|terrace|mews|way|court|place|rise|walk|view)\b/gu

const streets = (lower: string): Candidate[] => {
  const found: Candidate[] = []
  for (const match of lower.matchAll(NUMBERED)) {
    const words = (match[1] as string).trim().split(' ')
    if (isStreetWord(match[2] as string) && words.every((word) => !STOP.has(word))) {
      const start = match.index ?? 0
      found.push({ type: 'ADDRESS', start, end: start + match[0].replace(/\.$/, '').length, priority: PRIORITY.ADDRESS })
    }
  }
  for (const match of lower.matchAll(UNNUMBERED)) {
    const words = (match[1] as string).trim().split(' ')
    if (words.every((word) => !STOP.has(word))) {
      const start = (match.index ?? 0) + match[0].length - (match[1] as string).length - (match[2] as string).length
      found.push({ type: 'ADDRESS', start, end: (match.index ?? 0) + match[0].length, priority: PRIORITY.ADDRESS })
    }
  }
  return found
}

// --- Schools, nurseries, surgeries, hospitals and firms by the words that end their names, any case. ---
const ORG_ENDING =
  "primary school|primary academy|primary|junior school|infant school|infants school|secondary school|high school|school|academy|college|nursery|pre-school|preschool|road surgery|surgery|medical centre|medical practice|health centre|hospital|clinic|children's home|childrens home|children's centre|family hub|family centre|pupil referral unit|pru|inc|ltd|llc|llp|plc|gmbh|corp|corporation|" +
  // Firms named by what they are: "national van lines", "ashby capital", "northfield holdings".
  '(?:van|bus|air|cruise|shipping|coach|ferry|rail|moving|freight|truck) lines|airlines|holdings|capital|logistics|' +
  'technologies|industries|enterprises|ventures|consulting|associates|& co|and co'
// Endings that name a kind of firm as easily as a firm ("adult social services"): the words before them must not
// all be words that say what kind of service it is.
const ONLY_FIRMS = /(?: lines|^holdings|^logistics|^enterprises|^ventures|^associates|^ltd|^plc|^llp|^inc)$/
const FIRM_ENDING = /^(?:holdings|capital|logistics|technologies|industries|enterprises|ventures|consulting|associates)$/
// Words joined by single spaces only: a full stop ends the name ("ended in April. Bewick Road Surgery").
const ORG = new RegExp(`(?<![\\p{L}'’.&-])((?:[\\p{L}'’&-]{1,30} ){1,3})(${ORG_ENDING})(?![\\p{L}])\\.?`, 'gu')

const organisations = (lower: string): Candidate[] => {
  const found: Candidate[] = []
  for (const match of lower.matchAll(ORG)) {
    // The name is the words before the ending back to the first stop word: "goes to [marsh lane] primary".
    const words = (match[1] as string).trim().split(' ')
    let first = words.length
    while (first > 0 && !STOP.has(words[first - 1] as string)) {
      first--
    }
    let own = words.slice(first)
    // "which later became loqate inc": ordinary words before a name-like one are not part of the name.
    while (own.length > 1 && COMMON_WORDS.has(own[0] as string) && !isNamey(own[0] as string)) {
      own = own.slice(1)
    }
    // One ordinary word alone ("driving school") is a kind, not a name; two words or a name-like word is a name.
    // ("national van lines", "harbour holdings": where the ending names only firms, one more word is enough.)
    const named = own.length >= 2 || own.some(isNamey) || ONLY_FIRMS.test(match[2] as string)
    if (own.length === 0 || !named) {
      continue
    }
    const kindOnly = own.every((word) => TEAM_KIND_WORDS.has(word))
    if (FIRM_ENDING.test(match[2] as string) && kindOnly) {
      continue
    }
    const start = (match.index ?? 0) + (match[1] as string).length - own.join(' ').length - 1
    const end = (match.index ?? 0) + match[0].length
    found.push({ type: 'ORG', start, end, priority: PRIORITY.ORG })
  }
  return found
}

// "seen at the qeh", "admitted to the BRI": a short acronym after "at/to/from the" that no list keeps.
const SETTING_ACRONYM = /\b(?:seen|admitted|taken|born|attended|discharged|transferred|rushed|brought|went)(?: her| him| them)? (?:at|to|from|into) the ([a-z]{3,4})\b/gu
const acronyms = (lower: string): Candidate[] =>
  [...lower.matchAll(SETTING_ACRONYM)]
    .filter((match) => !KEEP_PROPER.has(match[1] as string) && !isWord(match[1] as string))
    .map((match) => {
      const end = (match.index ?? 0) + match[0].length
      return { type: 'ORG' as const, start: end - (match[1] as string).length, end, priority: PRIORITY.ORG }
    })

// "works at greggs", "employed by foursquare", "looking to join acme": the employer after a cue, whatever its case,
// up to the first function word or punctuation; not an everyday word ("works at home", "works for herself").
const EMPLOYER_CUE =
  /\b(?:works?|worked|working|employed|employment|job|jobs|placement|internship|intern|volunteers?|volunteering|contracted|contract|shifts?|manager|director|founder|ceo|owner)(?: (?:at|for|by|with))|\b(?:joined|joining|looking to (?:join|support|work (?:at|for|with)))/gu
const EMPLOYER = /^ ((?:[\p{L}][\p{L}'’&-]* ?){1,3})/u

const employers = (lower: string): Candidate[] => {
  const found: Candidate[] = []
  for (const cue of lower.matchAll(EMPLOYER_CUE)) {
    const end = (cue.index ?? 0) + cue[0].length
    const words = (EMPLOYER.exec(lower.slice(end, end + 80))?.[1] ?? '').trim().split(' ')
    let count = 0
    while (count < words.length && words[count] !== '' && !STOP.has(words[count] as string)) {
      count++
    }
    const own = words.slice(0, count)
    const head = own[0]
    if (head === undefined || KEEP_PROPER.has(head) || COMMON_WORDS.has(head) || PERSONAL.has(head)) {
      continue
    }
    const start = end + 1
    found.push({ type: 'ORG', start, end: start + own.join(' ').length, priority: PRIORITY.ORG })
  }
  return found
}
const PERSONAL = new Set('herself himself themselves myself yourself home nights night weekends days cash agency'.split(' '))

export const findPlaces = (text: string): Candidate[] => {
  const lower = lowerSameLength(text)
  return [...gazetteer(lower), ...streets(lower), ...organisations(lower), ...acronyms(lower), ...employers(lower)]
}
