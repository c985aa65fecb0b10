import { COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, KEEP_PROPER, PERSON_CUES, PLACES, SURNAMES, TITLES } from './lexicon.js'
import { MAX_SLIP_WORD, oneSlipAway, slipIndex } from './slips.js'

/**
 * Case is no evidence (issue 11). The name and address rules read capitals as a sign of a proper noun, which only
 * holds when the writer typed capitals. This decides per text how far its capitals can be trusted and, where
 * they cannot (all lower case, all upper case), writes a copy of the same length in which the words that are no
 * ordinary English word, and the ordinary words that context makes a person's name ("mum rose"), carry a capital.
 * The recognisers read that copy; findings keep pointing into the original because no offset moves.
 */

export type CaseTrust = 'cased' | 'lower' | 'upper'

const WORD = /[\p{L}][\p{L}'’-]*[\p{L}]|[\p{L}]/gu

/**
 * Prose typed with capitals has one on most sentences and names; fast phone typing has next to none. Under one
 * word in 30 with a capital, capitals are not evidence; over half the words in capitals, neither are they.
 */
export const caseTrust = (text: string): CaseTrust => {
  let words = 0
  let capitalised = 0
  let allCaps = 0
  for (const match of text.matchAll(WORD)) {
    const word = match[0]
    if (word.length < 2 && word !== 'I') {
      continue
    }
    words++
    if (/^\p{Lu}/u.test(word)) {
      capitalised++
      if (word.length > 1 && word === word.toUpperCase()) {
        allCaps++
      }
    }
  }
  if (words < 3) {
    return capitalised === 0 ? 'lower' : 'cased'
  }
  if (allCaps / words > 0.5) {
    return 'upper'
  }
  return capitalised - allCaps < words / 30 ? 'lower' : 'cased'
}

// Note-taking abbreviations and contractions typed without their apostrophe, which the word list lacks: "sw",
// "appt", "hrs", "didnt", "theyre".
const ABBREVIATIONS = new Set(
  `sw ssw hv fc yp tm dm am pm etc eg ie approx appt appts hrs hr mins min wk wks mth mths yr yrs tel mob re cc bcc
  fyi asap pls thx ok msg txt info dept ref nr xx xxx lol aka vs nb ps
  dont didnt doesnt cant couldnt wouldnt shouldnt wont isnt wasnt werent arent hasnt havent hadnt mustnt neednt
  im ive id youre youve youd youll hes shes theyre theyve theyd theyll weve wed thats whats whos wheres theres
  heres aint`.split(/\s+/)
)

// No word or name is longer; past it the apostrophe and typo look-ups are not tried.
const MAX_WORD = MAX_SLIP_WORD

const isWordish = (lower: string): boolean => {
  if (ENGLISH_WORDS.has(lower) || ENGLISH_WORDS.has(lower.replace(/['’-]/g, '')) || ABBREVIATIONS.has(lower)) {
    return true
  }
  if (lower.length > MAX_WORD) {
    return false
  }
  // "market-leading", "action-comedy": a compound of words is a word.
  if (lower.includes('-') && lower.split('-').every((part) => part === '' || ENGLISH_WORDS.has(part))) {
    return true
  }
  return false
}

const isKnown = (lower: string) => FIRST_NAMES.has(lower) || SURNAMES.has(lower) || PLACES.has(lower)
const KNOWN = slipIndex([FIRST_NAMES, SURNAMES, PLACES], isKnown)

// Each typo look-up costs ~30 hash look-ups a letter; a text with more unknown lower-case words than this (noise,
// or an attack at the length limit) has the rest judged without it.
const MAX_SLIP_CHECKS = 20

// Before these, an ordinary word that is also a name is a person: "mum rose", "spoke to will", "told mark".
const SPEECH_CUES = new Set('called named rang phoned emailed texted told asked met'.split(' '))
const SPOKE = new Set('spoke spoken speak speaking talked talking met meeting'.split(' '))

type Token = { lower: string; start: number; possessive: boolean }

const personByContext = (tokens: Token[], index: number): boolean => {
  const token = tokens[index] as Token
  const previous = tokens[index - 1]?.lower ?? ''
  const before = tokens[index - 2]?.lower ?? ''
  const next = tokens[index + 1]?.lower ?? ''
  // "her maiden name is key", "known as bill": whatever the word, it is a name.
  if (((previous === 'is' || previous === 'was') && /^(?:name|surname|forename)$/.test(before)) || (previous === 'as' && before === 'known')) {
    return true
  }
  if (!FIRST_NAMES.has(token.lower) && !SURNAMES.has(token.lower)) {
    return false
  }
  return (
    TITLES.has(previous) ||
    PERSON_CUES.has(previous) ||
    SPEECH_CUES.has(previous) ||
    ((previous === 'to' || previous === 'with') && SPOKE.has(before)) ||
    // "rose's mum", "bill's dad": a possessive before a kin or role word.
    (token.possessive && PERSON_CUES.has(next))
  )
}

const FUNCTION_NAMES = new Set(['will', 'may', 'an', 'my'])

/**
 * Names come in runs: an ordinary word that is a first name next to a word already taken as a name is part of it
 * ("harry sheppard", "justin beet", "valentine s. yermakov"), and so is one joined to a name by "and"
 * ("usamov and bowers").
 */
const joinNames = (text: string, tokens: Token[], caps: boolean[]) => {
  const gap = (a: Token, b: Token) => text.slice(a.start + a.lower.length + (a.possessive ? 2 : 0), b.start)
  for (let pass = 0; pass < 2; pass++) {
    tokens.forEach((token, index) => {
      if (caps[index] || FUNCTION_NAMES.has(token.lower)) {
        return
      }
      const next = tokens[index + 1]
      const afterInitial = tokens[index + 2]
      const previous = tokens[index - 1]
      const isFirst = FIRST_NAMES.has(token.lower)
      const beforeName =
        isFirst &&
        next !== undefined &&
        ((caps[index + 1] === true && gap(token, next) === ' ') ||
          (next.lower.length === 1 && afterInitial !== undefined && caps[index + 2] === true && /^\. ?$/.test(gap(next, afterInitial))))
      // "dan tailor", "harvey leach": after a first name, a word that is not among the most frequent is a surname.
      const afterFirstName =
        !COMMON_WORDS.has(token.lower) && !KEEP_PROPER.has(token.lower) && previous !== undefined && caps[index - 1] === true && FIRST_NAMES.has(previous.lower) && gap(previous, token) === ' '
      const joined =
        !COMMON_WORDS.has(token.lower) &&
        ((tokens[index - 1]?.lower === 'and' && caps[index - 2] === true) ||
          (next?.lower === 'and' && caps[index + 2] === true))
      if (beforeName || afterFirstName || joined) {
        caps[index] = true
        if (beforeName && next !== undefined && next.lower.length === 1) {
          caps[index + 1] = true
        }
      }
    })
  }
}

/** Lower case of the same length: a few letters change length in lower case ("İ"), and are kept, so no offset moves. */
export const lowerSameLength = (text: string): string => {
  const lower = text.toLowerCase()
  if (lower.length === text.length) {
    return lower
  }
  let out = ''
  for (const c of text) {
    const changed = c.toLowerCase()
    out += changed.length === c.length ? changed : c
  }
  return out
}

/** The copy of `text` the recognisers read: same length, capitals where a careful writer would have put them. */
export const truecase = (text: string): { text: string; trust: CaseTrust } => {
  const trust = caseTrust(text)
  const base = trust === 'upper' ? lowerSameLength(text) : text
  const tokens: Token[] = []
  for (const match of base.matchAll(WORD)) {
    const possessive = /['’]s$/u.test(match[0])
    const word = possessive ? match[0].slice(0, -2) : match[0]
    tokens.push({ lower: word.toLowerCase(), start: match.index ?? 0, possessive })
  }
  const caps = tokens.map(() => false)
  let slipChecks = 0
  tokens.forEach((token, index) => {
    const first = base[token.start] as string
    if (first !== first.toLowerCase() || KEEP_PROPER.has(token.lower) || TITLES.has(token.lower)) {
      return
    }
    const wordish = isWordish(token.lower)
    if (trust === 'cased') {
      // Capitals are trusted, so a lower-case word is a name only on strong evidence: it is on a list of names or
      // places, or one typo away from one, and no dictionary word.
      caps[index] =
        !wordish &&
        token.lower.length >= 3 &&
        (isKnown(token.lower) ||
          (token.lower.length >= 4 && slipChecks++ < MAX_SLIP_CHECKS && oneSlipAway(token.lower, KNOWN)))
      return
    }
    // No dictionary word: a name, a place, an organisation or a misspelling of one. Two letters only when a list
    // knows it ("jo", "al"), never a lone letter. An ordinary word only when context makes it a person.
    caps[index] = wordish
      ? personByContext(tokens, index)
      : token.lower.length >= 3 || (token.lower.length === 2 && isKnown(token.lower))
  })
  if (trust !== 'cased') {
    joinNames(base, tokens, caps)
  }
  // Rebuilt from slices, only where a capital goes: no array of every character.
  let out = ''
  let cursor = 0
  tokens.forEach((token, index) => {
    const upper = (base[token.start] as string).toUpperCase()
    if (caps[index] && upper.length === 1) {
      out += base.slice(cursor, token.start) + upper
      cursor = token.start + 1
    }
  })
  return { text: cursor === 0 ? base : out + base.slice(cursor), trust }
}
