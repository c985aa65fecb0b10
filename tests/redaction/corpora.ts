import { existsSync, readFileSync } from 'node:fs'
import { generateFromGazetteers } from './corpus/gazetteer.js'
import { loadHandwritten, type Sample } from './corpus/handwritten.js'
import { withTypos } from './variants.js'

/** Every labelled set the redaction pipeline is scored on, by name. */

export const PUBLIC_EVAL_PATH = new URL('../../../shared/eval/pii-public.jsonl', import.meta.url)
export const PUBLIC_LOWER_PATH = new URL('../../../shared/eval/pii-public-lower.jsonl', import.meta.url)

const readJsonl = (url: URL): Sample[] =>
  readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Sample)

export const hasPublicEval = () => existsSync(PUBLIC_EVAL_PATH)

/** The public sets as written, in lower case, and a typo'd copy of each (made here, seeded, never stored). */
export const PUBLIC_SETS = {
  written: 'pii-public (shared/eval, Presidio data)',
  lower: 'pii-public-lower (same, lower case)',
  writtenTypos: 'pii-public + typos (seeded copy)',
  lowerTypos: 'pii-public-lower + typos (seeded copy)'
} as const

const publicSets = (): Record<string, Sample[]> => {
  if (!hasPublicEval()) {
    return {}
  }
  const written = readJsonl(PUBLIC_EVAL_PATH)
  const lower = existsSync(PUBLIC_LOWER_PATH) ? readJsonl(PUBLIC_LOWER_PATH) : []
  return {
    [PUBLIC_SETS.written]: written,
    [PUBLIC_SETS.writtenTypos]: withTypos(written, 11),
    ...(lower.length > 0 ? { [PUBLIC_SETS.lower]: lower, [PUBLIC_SETS.lowerTypos]: withTypos(lower, 12) } : {})
  }
}

export const GAZETTEER_SET = 'gazetteer-generated (names and places drawn from the lists; as typed, lower, upper)'

export const loadCorpora = (): Record<string, Sample[]> => ({
  'uk-synthetic (500, generated)': readJsonl(new URL('./corpus/uk-narratives.jsonl', import.meta.url)),
  'uk-handwritten (dev: rules tuned on it)': loadHandwritten('handwritten'),
  'uk-handwritten-holdout (written after tuning)': loadHandwritten('handwritten-holdout'),
  [GAZETTEER_SET]: generateFromGazetteers(200),
  ...publicSets()
})

/** The "structured identifiers": recall target 0.98. */
export const STRUCTURED_TYPES = ['NHS_NUMBER', 'NI_NUMBER', 'POSTCODE', 'PHONE', 'EMAIL', 'DATE_OF_BIRTH', 'CASE_REF']
