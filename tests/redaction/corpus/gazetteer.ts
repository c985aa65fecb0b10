import { COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, KEEP_PROPER, PLACES, SURNAMES } from '../../../src/lib/redaction/lexicon.js'
import { seeded } from '../variants.js'
import type { Sample } from './handwritten.js'

/**
 * Narratives generated from the redactor's own lists (issue 11: "test on data you generate with varied names and
 * places, drawn from the gazetteers themselves"): names, towns and districts drawn at random from the whole lists,
 * set in social-work sentences, each written as typed, in lower case and in capitals. It checks that the lists
 * and the rules work together for every entry, not for a few remembered examples. Labelled by the generator as it
 * fills a slot.
 */

const STREET_TYPES = ['Road', 'Street', 'Close', 'Avenue', 'Lane', 'Drive', 'Crescent', 'Grove', 'Terrace', 'Gardens', 'Way']
const SETTINGS = ['Primary School', 'Academy', 'Road Surgery', 'Health Centre', 'Pupil Referral Unit', 'Nursery', 'High School']
const DOMAIN = ['Section 47', 'ICPC', 'LADO', 'MASH', 's.17', 'Liquidlogic', 'Mosaic', 'core group', 'strategy meeting']
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']
const DURATIONS = ['two weeks', 'three days', 'a fortnight', 'six months']
const ROLES = ['team manager', 'social worker', 'health visitor', 'family support worker']

const title = (value: string) => value.replace(/(^|[\s'-])(\p{L})/gu, (_all, before: string, letter: string) => before + letter.toUpperCase())
const isPlain = (word: string) => ENGLISH_WORDS.has(word) || COMMON_WORDS.has(word) || KEEP_PROPER.has(word)
// Entries a writer could type as a name or a town: letters only, no ordinary word.
const usable = (list: Set<string>, test: (entry: string) => boolean = (entry) => /^[a-z]{3,14}$/.test(entry)) =>
  [...list].filter((entry) => test(entry) && !isPlain(entry)).sort()

type Template = (slot: Record<string, string>) => string

// [[TYPE|slot]] marks an identifier, {{text}} a keep string, as in handwritten.txt.
const TEMPLATES: Template[] = [
  (s) => `I spoke to [[NAME|${s.first} ${s.surname}]] on {{${s.day}}} about the {{${s.domain}}} and she said the children had moved to [[ADDRESS|${s.place}]].`,
  (s) => `Mum [[NAME|${s.first}]] rang the {{MASH}} to say [[NAME|${s.child}]] now goes to [[ORG|${s.settingName} ${s.setting}]] and has done for {{${s.duration}}}.`,
  (s) => `The {{${s.role}}} visited the family at [[ADDRESS|${s.number} ${s.streetName} ${s.streetType}]], [[ADDRESS|${s.place}]], but the letter had gone to the old address.`,
  (s) => `{{Handover notes}} for [[NAME|${s.child}]] did not say that {{${s.domain}}} had started or that dad [[NAME|${s.first} ${s.surname}]] was not to have contact.`,
  (s) => `[[NAME|${s.child}]]'s nan lives in [[ADDRESS|${s.place}]] and the {{${s.role}}} was not told before the {{${s.domain}}} on {{${s.day}}}.`,
  (s) => `We placed the baby with [[NAME|${s.first} ${s.surname}]] in [[ADDRESS|${s.place}]] although the {{${s.domain}}} record on {{Mosaic}} still showed the old carer.`,
  // Address lines (issue 17 item 4): a locality of ordinary words beside a street, on its own line or after a comma.
  (s) => `Address on the referral:\n[[ADDRESS|${s.number} ${s.streetName} ${s.streetType}]]\n[[ADDRESS|${s.locality}]]\n[[ADDRESS|${s.place}]]\n[[POSTCODE|${s.postcode}]]\nThe {{${s.role}}} only had the old one.`,
  (s) => `The {{${s.role}}} visited [[ADDRESS|${s.number} ${s.streetName} ${s.streetType}]], [[ADDRESS|${s.locality}]], on {{${s.day}}} and nobody answered.`,
  // Employers by context and firms by their kind, named with ordinary or listed words.
  (s) => `Mum said dad [[NAME|${s.first}]] works at [[ORG|${s.firmWord}]] and the {{${s.domain}}} was moved to {{${s.day}}}.`,
  (s) => `Dad is employed by [[ORG|${s.firm}]] so the {{${s.role}}} could not see him before the {{${s.domain}}}.`,
  // A postcode typed with look-alike letters and figures (O/0, I/1, S/5) or without its space.
  (s) => `The letter went to [[POSTCODE|${s.postcodeTypo}]] and not the new address, so the {{${s.role}}} rang on {{${s.day}}}.`
]

// Postcode areas across England and Wales, and the look-alikes a fast typist swaps.
const POSTCODE_AREAS = ['NE', 'SW', 'B', 'M', 'L', 'LS', 'DH', 'BS', 'CF', 'S', 'E', 'N', 'WV', 'CV', 'LE', 'NG', 'BD', 'HU', 'TS', 'SR', 'OL', 'ST']
const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'
const LOOKALIKE: Record<string, string> = { 0: 'O', 1: 'I', 5: 'S', O: '0', S: '5' }
const FIRM_KINDS = ['Holdings', 'Logistics', 'Van Lines', 'Ltd', 'Capital', 'Enterprises', 'Ventures', 'Associates']
const LOCALITY_KINDS = ['Village', 'Green', 'End', 'Park', 'Heath', 'Bridge', 'Vale', 'Common']

const fill = (template: Template, slot: Record<string, string>, id: string, style: 'typed' | 'lower' | 'upper'): Sample => {
  const marked = template(slot)
  const identifiers: Sample['identifiers'] = []
  const keep: string[] = []
  const restyle = (value: string) => (style === 'lower' ? value.toLowerCase() : style === 'upper' ? value.toUpperCase() : value)
  const text = restyle(marked).replace(/\[\[([A-Z_]+)\|([^\]]+)\]\]|\{\{([^}]+)\}\}/gi, (_all, type?: string, value?: string, kept?: string) => {
    if (kept !== undefined) {
      keep.push(kept)
      return kept
    }
    identifiers.push({ type: (type as string).toUpperCase(), value: value as string })
    return value as string
  })
  return { id: `${id}-${style}`, text, identifiers, keep }
}

export const generateFromGazetteers = (count: number, seed = 20261207): Sample[] => {
  const random = seeded(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const firstNames = usable(FIRST_NAMES)
  const surnames = usable(SURNAMES)
  const places = usable(PLACES, (entry) => /^[a-z]+(?: [a-z]+)?$/.test(entry) && entry.length >= 4)
  // Ordinary words (the lists hold none of them as a name): localities and firms only context can find.
  const ordinary = [...ENGLISH_WORDS].filter((word) => /^[a-z]{4,9}$/.test(word) && !KEEP_PROPER.has(word)).sort()
  const rare = ordinary.filter((word) => !COMMON_WORDS.has(word))
  const postcode = () => {
    const letters = () => POSTCODE_LETTERS[Math.floor(random() * POSTCODE_LETTERS.length)] as string
    return `${pick(POSTCODE_AREAS)}${1 + Math.floor(random() * 19)} ${Math.floor(random() * 10)}${letters()}${letters()}`
  }
  // One look-alike swapped where the postcode has one, else the space dropped; at least one figure always stays.
  const lookalike = (value: string) => {
    const at = [...value].findIndex((char, i) => LOOKALIKE[char] !== undefined && i > 0 && random() < 0.7)
    return at === -1 ? value.replace(' ', '') : value.slice(0, at) + (LOOKALIKE[value[at] as string] as string) + value.slice(at + 1)
  }
  const samples: Sample[] = []
  for (let i = 0; i < count; i++) {
    const slot = {
      first: title(pick(firstNames)),
      surname: title(pick(surnames)),
      child: title(pick(firstNames)),
      place: title(pick(places)),
      number: String(1 + Math.floor(random() * 240)),
      streetName: title(pick(random() < 0.5 ? surnames : places)),
      streetType: pick(STREET_TYPES),
      settingName: title(pick(places)),
      setting: pick(SETTINGS),
      domain: pick(DOMAIN),
      day: pick(WEEKDAYS),
      duration: pick(DURATIONS),
      role: pick(ROLES),
      locality: `${title(pick(ordinary))} ${pick(LOCALITY_KINDS)}`,
      postcode: postcode(),
      postcodeTypo: lookalike(postcode()),
      firmWord: title(pick(rare)),
      firm: `${title(pick(random() < 0.5 ? ordinary : surnames))} ${pick(FIRM_KINDS)}`
    }
    const template = pick(TEMPLATES)
    const id = `gazetteer-${String(i + 1).padStart(3, '0')}`
    samples.push(fill(template, slot, id, 'typed'), fill(template, slot, id, 'lower'), fill(template, slot, id, 'upper'))
  }
  return samples
}
