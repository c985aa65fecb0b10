import { type CountTable, type PublishedCount, protectPublication, SUPPRESSED } from '../../lib/disclosure/index.js'
import type { SuppressedSymbol } from './summaries.schemas.js'

/**
 * The quarterly summary's "you said, we did" table: the actions recorded by the end of the quarter, by the domain
 * of their themes (an action counts once in each domain it names, so totals count mentions) and their status when
 * the quarter was published. A region's table counts the actions linked to its reports and those linked to no
 * report (the whole country's). Disclosure-controlled like the other tables: counts below the threshold suppressed,
 * the rest rounded, secondary suppression against the totals, and the whole table hidden when it has fewer actions
 * than the threshold.
 */

export const ACTION_ROWS = ['proposed', 'agreed', 'in_progress', 'done', 'dropped'] as const

export type ActionCount = { region: string | null; domain: string; status: string; n: number }

export type ActionsTable = {
  counts: string
  categories: string[]
  rows: { row: (typeof ACTION_ROWS)[number]; values: (number | SuppressedSymbol)[]; total: number | SuppressedSymbol }[]
}

export const buildActionsTable = (
  counts: readonly ActionCount[],
  region: string,
  domains: readonly string[],
  { threshold, base, mark }: { threshold: number; base: number; mark: SuppressedSymbol }
): ActionsTable => {
  const table: CountTable = {
    rowLabels: [...ACTION_ROWS],
    columnLabels: [...domains],
    counts: ACTION_ROWS.map(() => domains.map(() => 0))
  }
  let mentions = 0
  for (const row of counts) {
    const r = ACTION_ROWS.indexOf(row.status as (typeof ACTION_ROWS)[number])
    const c = domains.indexOf(row.domain)
    if ((row.region !== null && row.region !== region) || r < 0 || c < 0) continue
    const line = table.counts[r] as number[]
    line[c] = (line[c] ?? 0) + Number(row.n)
    mentions += Number(row.n)
  }
  const show = (value: PublishedCount) => (value === SUPPRESSED ? mark : value)
  const tooFew = mentions > 0 && mentions < threshold
  const [[published]] = tooFew ? [[null]] : protectPublication({ blocks: [[table]] }, { threshold, base })
  return {
    counts: 'actions with a theme in the domain, by status at publication',
    categories: [...domains],
    rows: ACTION_ROWS.map((row, r) => ({
      row,
      values: domains.map((_, c) => (published ? show(published.cells[r]?.[c] ?? SUPPRESSED) : mark)),
      total: published ? show(published.rowTotals[r] ?? SUPPRESSED) : mark
    }))
  }
}
