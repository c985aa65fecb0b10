/**
 * Scoring as ../shared/eval/README.md defines it: an identifier leaks if its value survives verbatim in the
 * redacted text (names: as a whole word, ignoring case, or any of its tokens of 3+ letters, except tokens that
 * also appear in the sample's keep strings and the honorifics Mrs, Miss and Prof); a keep string is kept if it
 * survives verbatim. Recall = 1 − leak rate.
 */

export type LabelledSample = {
  id: string
  text: string
  identifiers: { type: string; value: string }[]
  keep: string[]
}

export type TypeScore = { total: number; leaked: number; recall: number }
export type Score = {
  samples: number
  byType: Record<string, TypeScore>
  overall: TypeScore
  keep: { total: number; kept: number; rate: number }
  leaks: { id: string; type: string; value: string }[]
  dropped: { id: string; keep: string }[]
}

const HONORIFICS = new Set(['mrs', 'miss', 'prof'])
const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const wholeWord = (text: string, word: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escape(word)}(?![\\p{L}\\p{N}])`, 'iu').test(text)

export const hasLeaked = (sample: LabelledSample, type: string, value: string, redacted: string): boolean => {
  if (type !== 'NAME') {
    return redacted.includes(value)
  }
  if (wholeWord(redacted, value)) {
    return true
  }
  const keepText = sample.keep.join(' ').toLowerCase()
  return value
    .split(/[\s.,]+/)
    .filter((token) => token.replace(/[^\p{L}]/gu, '').length >= 3)
    .filter((token) => !HONORIFICS.has(token.toLowerCase()) && !wholeWord(keepText, token))
    .some((token) => wholeWord(redacted, token))
}

export const score = (samples: LabelledSample[], redacted: string[]): Score => {
  const byType: Record<string, TypeScore> = {}
  const leaks: Score['leaks'] = []
  const dropped: Score['dropped'] = []
  let keepTotal = 0
  let kept = 0
  samples.forEach((sample, i) => {
    const out = redacted[i] ?? sample.text
    for (const { type, value } of sample.identifiers) {
      const entry = (byType[type] ??= { total: 0, leaked: 0, recall: 0 })
      entry.total++
      if (hasLeaked(sample, type, value, out)) {
        entry.leaked++
        leaks.push({ id: sample.id, type, value })
      }
    }
    for (const keep of sample.keep) {
      keepTotal++
      if (out.includes(keep)) {
        kept++
      } else {
        dropped.push({ id: sample.id, keep })
      }
    }
  })
  let total = 0
  let leaked = 0
  for (const entry of Object.values(byType)) {
    entry.recall = entry.total === 0 ? 1 : 1 - entry.leaked / entry.total
    total += entry.total
    leaked += entry.leaked
  }
  return {
    samples: samples.length,
    byType,
    overall: { total, leaked, recall: total === 0 ? 1 : 1 - leaked / total },
    keep: { total: keepTotal, kept, rate: keepTotal === 0 ? 1 : kept / keepTotal },
    leaks,
    dropped
  }
}

/** Recall over a group of types taken together. */
export const groupRecall = (result: Score, types: readonly string[]): TypeScore => {
  let total = 0
  let leaked = 0
  for (const type of types) {
    total += result.byType[type]?.total ?? 0
    leaked += result.byType[type]?.leaked ?? 0
  }
  return { total, leaked, recall: total === 0 ? 1 : 1 - leaked / total }
}
