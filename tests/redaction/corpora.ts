import { existsSync, readFileSync } from 'node:fs'
import { loadHandwritten, type Sample } from './corpus/handwritten.js'

/** Every labelled set the redaction pipeline is scored on, by name. */

export const PUBLIC_EVAL_PATH = new URL('../../../shared/eval/pii-public.jsonl', import.meta.url)

const readJsonl = (url: URL): Sample[] =>
  readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Sample)

export const hasPublicEval = () => existsSync(PUBLIC_EVAL_PATH)

export const loadCorpora = (): Record<string, Sample[]> => ({
  'uk-synthetic (500, generated)': readJsonl(new URL('./corpus/uk-narratives.jsonl', import.meta.url)),
  'uk-handwritten (dev: rules tuned on it)': loadHandwritten('handwritten'),
  'uk-handwritten-holdout (written after tuning)': loadHandwritten('handwritten-holdout'),
  ...(hasPublicEval() ? { 'pii-public (shared/eval, Presidio data)': readJsonl(PUBLIC_EVAL_PATH) } : {})
})

/** The "structured identifiers": recall target 0.98. */
export const STRUCTURED_TYPES = ['NHS_NUMBER', 'NI_NUMBER', 'POSTCODE', 'PHONE', 'EMAIL', 'DATE_OF_BIRTH', 'CASE_REF']
