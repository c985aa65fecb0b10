import { readFileSync } from 'node:fs'

/** The labelled samples of handwritten.txt: [[TYPE|text]] marks an identifier, {{text}} a string to keep. */
export type Sample = { id: string; text: string; identifiers: { type: string; value: string }[]; keep: string[] }

const MARK = /\[\[([A-Z_]+)\|([^\]]+)\]\]|\{\{([^}]+)\}\}/g

/** `handwritten` was used to tune the rules; `handwritten-holdout` was written afterwards and only scored. */
export const loadHandwritten = (set: 'handwritten' | 'handwritten-holdout' = 'handwritten'): Sample[] =>
  readFileSync(new URL(`./${set}.txt`, import.meta.url), 'utf8')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '' && !block.startsWith('#'))
    .map((block, index) => {
      const identifiers: Sample['identifiers'] = []
      const keep: string[] = []
      const text = block.replace(MARK, (_all, type?: string, value?: string, kept?: string) => {
        if (kept !== undefined) {
          keep.push(kept)
          return kept
        }
        identifiers.push({ type: type as string, value: value as string })
        return value as string
      })
      return { id: `uk-${set}-${String(index + 1).padStart(3, '0')}`, text, identifiers, keep }
    })
