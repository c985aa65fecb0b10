import nlp from 'compromise'
import {
  ENGLISH_WORDS,
  FIRST_NAMES,
  KEEP_PROPER,
  PERSON_CUES,
  PLACE_CUES,
  SURNAMES,
  TITLES
} from './lexicon.js'
import { oneSlipAway, slipIndex } from './slips.js'
import type { Candidate } from './types.js'

/**
 * People and places in free text, by cheap rules first:
 * - a title ("Mrs", "Dr") or a person word ("mum", "social worker", "called") before a capitalised word;
 * - a known first name or surname (lists built from public data) that is not an ordinary English word;
 * - any capitalised word that is not an ordinary English word, not a calendar word, nation or service name, and
 *   not a short acronym (PLO, MASH): such a word in a case narrative is almost always a person or a place;
 * - first names that are also words (Rose, Will, Grace) when capitalised mid-sentence.
 * The one ambiguous case left, such a name at the start of a sentence ("Will said…"), is settled by compromise's
 * tagger on that sentence alone: running it over every whole narrative costs ~9 ms per 1,200 characters.
 */

const PRIORITY = { NAME: 40, PLACE: 35 } as const

type Token = {
  text: string
  lower: string
  start: number
  end: number
  isCapitalised: boolean
  isAllCaps: boolean
  isSentenceStart: boolean
}

const WORD = /[\p{L}][\p{L}'’-]*[\p{L}]|[\p{L}]/gu
const SENTENCE_BREAK = /[.!?:;"“”()\n•*]\s*$|^\s*$/

const tokenise = (text: string): Token[] => {
  const tokens: Token[] = []
  for (const match of text.matchAll(WORD)) {
    // "Jayden's" is Jayden: the possessive stays outside the span, so the text reads "[NAME]'s".
    const word = match[0].replace(/['’]s$/u, '')
    const start = match.index ?? 0
    const before = text.slice(Math.max(0, start - 3), start)
    tokens.push({
      text: word,
      lower: word.toLowerCase(),
      start,
      end: start + word.length,
      isCapitalised: /^\p{Lu}/u.test(word),
      isAllCaps: word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase(),
      isSentenceStart: tokens.length === 0 || SENTENCE_BREAK.test(before)
    })
  }
  return tokens
}

const isWord = (lower: string) => ENGLISH_WORDS.has(lower) || ENGLISH_WORDS.has(lower.replace(/['’-]/g, ''))
const isKept = (token: Token) =>
  KEEP_PROPER.has(token.lower) || KEEP_PROPER.has(token.lower.replace(/\.$/, '')) || TITLES.has(token.lower)
const isAcronym = (token: Token) => token.isAllCaps && token.text.length <= 5
const isInitial = (token: Token, text: string) => /^\p{L}$/u.test(token.text) && text[token.end] === '.'
const isKnownName = (lower: string) => FIRST_NAMES.has(lower) || SURNAMES.has(lower)

// A first name, or one typo away from one ("Harveey Leach"): the capitalised word after it is the surname.
// Each typo look-up costs ~30 set look-ups a letter, so a text gets a bounded number (reset per text; the
// pipeline is synchronous): noise or an attack full of capitalised non-words is judged without them.
const MAX_SLIPS = 20
let slipsLeft = MAX_SLIPS
const FIRST_NAME_SLIPS = slipIndex([FIRST_NAMES], (word) => FIRST_NAMES.has(word))
const isFirstName = (lower: string) =>
  FIRST_NAMES.has(lower) ||
  (lower.length >= 4 &&
    lower.length <= 14 &&
    !isWord(lower) &&
    slipsLeft-- > 0 &&
    oneSlipAway(lower, FIRST_NAME_SLIPS))

/** Could this token be part of a person's name once something nearby says a name is here? */
const canContinueName = (token: Token, text: string) =>
  isInitial(token, text) ||
  (token.isCapitalised && !isKept(token) && !isAcronym(token) && (!isWord(token.lower) || isKnownName(token.lower)))

type Verdict = 'name' | 'place' | 'ambiguous' | 'no'

// Verbs that, straight after a word like "Will" or "Hope", make it a person: a modal verb is never followed by them.
const NAME_VERBS = new Set(
  `said says told tells asked asks was is has had rang rings called calls went came got felt thought wrote emailed
  texted phoned visited spoke saw noticed found explained agreed stated reported disclosed refused left arrived
  admitted denied shouted cried answered replied`.split(/\s+/)
)

/** "name is X", "surname was X", "known as X". */
const isNameIs = (tokens: Token[], index: number) => {
  const cue = tokens[index - 1]?.lower
  const subject = tokens[index - 2]?.lower
  return (
    (cue === 'is' || cue === 'was') && (subject === 'name' || subject === 'surname' || subject === 'forename')
  ) || (cue === 'as' && subject === 'known')
}

const judge = (tokens: Token[], index: number): Verdict => {
  const token = tokens[index] as Token
  const previous = tokens[index - 1]
  const next = tokens[index + 1]
  // "April told me", "Christian said": a kept word (a month, a faith) that is also a first name, before a
  // reporting verb, is a person.
  if (token.isCapitalised && FIRST_NAMES.has(token.lower) && next !== undefined && NAME_VERBS.has(next.lower)) {
    return 'name'
  }
  if (token.text.length < 2 || isKept(token) || (isAcronym(token) && !isKnownName(token.lower))) {
    return 'no'
  }
  const word = isWord(token.lower)
  const known = isKnownName(token.lower)
  if (previous && TITLES.has(previous.lower) && token.isCapitalised) {
    // "Mrs Key", "Dr Strange": after a title, any capitalised word is a surname.
    return 'name'
  }
  if (previous && (PERSON_CUES.has(previous.lower) || isNameIs(tokens, index)) && token.isCapitalised) {
    // "mum Rose", "her maiden name is Key"; but not "child Protection".
    return !word || known || isNameIs(tokens, index) ? 'name' : 'no'
  }
  if (!token.isCapitalised) {
    if (isNameIs(tokens, index) && !word) {
      return 'name'
    }
    // Lower-case text ("leone mazzi"): only names no dictionary has.
    return FIRST_NAMES.has(token.lower) && !word && token.text.length >= 3 ? 'name' : 'no'
  }
  if (!word) {
    if (known) {
      return 'name'
    }
    return previous && PLACE_CUES.has(previous.lower) ? 'place' : token.isAllCaps && token.text.length >= 6 ? 'place' : 'name'
  }
  if (FIRST_NAMES.has(token.lower)) {
    // Rose, Will, Grace, Mark: a name when capitalised mid-sentence; at a sentence start, ask the tagger.
    return token.isSentenceStart ? 'ambiguous' : 'name'
  }
  // "the Smith family", "…and then Smith rang": a surname that is also a word, capitalised on its own mid-sentence
  // (not inside a Title Case phrase such as "Family Court", which the neighbouring capitals show).
  const isAlone = !previous?.isCapitalised && !next?.isCapitalised
  if (SURNAMES.has(token.lower) && !token.isSentenceStart && isAlone) {
    return 'name'
  }
  return 'no'
}

// The tagger reads the sentence around the word, cut at the same breaks that made it a sentence start, and never
// more than this many characters either side: a 10,000-character "sentence" would take it seconds.
const TAGGER_WINDOW = 200
const BREAK = /[.!?:;"“”()\n•*]/

const confirmWithTagger = (text: string, tokens: Token[], index: number): boolean => {
  const token = tokens[index] as Token
  let start = token.start
  while (start > 0 && token.start - start < TAGGER_WINDOW && !BREAK.test(text[start - 1] as string)) {
    start--
  }
  let end = token.end
  while (end < text.length && end - token.end < TAGGER_WINDOW && !BREAK.test(text[end] as string)) {
    end++
  }
  const sentence = text.slice(start, end)
  const offset = token.start - start
  const people = nlp(sentence).people().json({ offset: true }) as { offset?: { start: number; length: number } }[]

  return people.some(
    ({ offset: span }) => span !== undefined && span.start <= offset && offset < span.start + span.length
  )
}

/** Carries a name on through initials and surnames: "Janka M. Szász", "Sarah Brown". Returns the last token. */
const extendRight = (text: string, tokens: Token[], index: number): number => {
  let last = index
  for (let next = tokens[last + 1]; next !== undefined; next = tokens[last + 1]) {
    const current = tokens[last] as Token
    const gap = text.slice(current.end, next.start)
    // A full stop may sit inside a name only after an initial ("J. Smith"); otherwise it ends the sentence.
    const isJoined = gap === ' ' || ((gap === '. ' || gap === '.') && isInitial(current, text))
    const isPart =
      canContinueName(next, text) ||
      // "Dan Bar", "Justin Beet", "Harvey Leach": after a first name, a capitalised word is the surname.
      (next.isCapitalised && !isKept(next) && !isAcronym(next) && isFirstName(current.lower)) ||
      // "leone mazzi": lower-case text, a surname no dictionary has.
      (!next.isCapitalised && !current.isCapitalised && isKnownName(next.lower) && !isWord(next.lower))
    if (!isJoined || !isPart) {
      break
    }
    last++
  }
  return last
}

/** Carries a name back over a first name and initials the rules passed by: "Sari J. Paavolainen". */
const extendLeft = (text: string, tokens: Token[], index: number, found: Candidate[]): number => {
  let first = index
  for (let before = tokens[first - 1]; before !== undefined; before = tokens[first - 1]) {
    const gap = text.slice(before.end, (tokens[first] as Token).start)
    const isJoined = gap === ' ' || (isInitial(before, text) && (gap === '. ' || gap === '.'))
    const isPart =
      !isKept(before) && (isInitial(before, text) || (before.isCapitalised && FIRST_NAMES.has(before.lower)))
    if (!isJoined || !isPart || found.some((candidate) => candidate.end > before.start)) {
      break
    }
    first--
  }
  return first
}

// The tagger costs ~1 ms a sentence. Past this many ambiguous words in one text (a flood of them is an attack or
// a list of names), the rest are taken as names: when unsure, remove.
const MAX_TAGGER_CALLS = 6

export const findNames = (text: string): Candidate[] => {
  slipsLeft = MAX_SLIPS
  const tokens = tokenise(text)
  const found: Candidate[] = []
  let taggerCalls = 0

  for (let index = 0; index < tokens.length; index++) {
    let verdict = judge(tokens, index)
    if (verdict === 'ambiguous') {
      verdict = taggerCalls++ >= MAX_TAGGER_CALLS || confirmWithTagger(text, tokens, index) ? 'name' : 'no'
    }
    if (verdict === 'no') {
      continue
    }
    const last = verdict === 'name' ? extendRight(text, tokens, index) : index
    const firstIndex = verdict === 'name' ? extendLeft(text, tokens, index, found) : index
    const first = tokens[firstIndex] as Token
    const end = (tokens[last] as Token).end + (isInitial(tokens[last] as Token, text) ? 1 : 0)
    const type = verdict === 'place' ? 'PLACE' : 'NAME'
    found.push({ type, start: first.start, end, priority: PRIORITY[type] })
    index = last
  }
  return [...found, ...coordinated(tokens, found)]
}

/** "Usamov and Bowers": a capitalised word joined by "and" to a name is a name, whatever else it means. */
const coordinated = (tokens: Token[], names: Candidate[]): Candidate[] => {
  // Which tokens lie inside a name, marked once per name: a search of every name for every token was quadratic.
  const inName = new Uint8Array(tokens.length)
  for (const name of names) {
    if (name.type !== 'NAME') {
      continue
    }
    let low = 0
    let high = tokens.length
    while (low < high) {
      const middle = (low + high) >> 1
      if ((tokens[middle] as Token).start < name.start) {
        low = middle + 1
      } else {
        high = middle
      }
    }
    for (let at = low; at < tokens.length && (tokens[at] as Token).start < name.end; at++) {
      if ((tokens[at] as Token).end <= name.end) {
        inName[at] = 1
      }
    }
  }
  const isNameAt = (index: number) => inName[index] === 1
  const more: Candidate[] = []
  tokens.forEach((token, index) => {
    // "will and i were doing a joint visit": a first name paired with "I" is a person, whatever its case.
    const pairedWithI =
      FIRST_NAMES.has(token.lower) &&
      !isKept(token) &&
      ((tokens[index + 1]?.lower === 'and' && tokens[index + 2]?.text.toLowerCase() === 'i') ||
        (tokens[index - 1]?.lower === 'and' && tokens[index - 2]?.text.toLowerCase() === 'i'))
    if (pairedWithI && !isNameAt(index)) {
      more.push({ type: 'NAME', start: token.start, end: token.end, priority: PRIORITY.NAME })
      return
    }
    if (!token.isCapitalised || token.isSentenceStart || isKept(token) || isAcronym(token) || isNameAt(index)) {
      return
    }
    const joinedAfter = tokens[index - 1]?.lower === 'and' && isNameAt(index - 2)
    const joinedBefore = tokens[index + 1]?.lower === 'and' && isNameAt(index + 2)
    if (joinedAfter || joinedBefore) {
      more.push({ type: 'NAME', start: token.start, end: token.end, priority: PRIORITY.NAME })
    }
  })
  return more
}
