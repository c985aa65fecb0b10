/**
 * Statistical disclosure control for published aggregate tables (issue 5; security requirements R27–R29).
 *
 * A regional summary is a set of two-way tables of report counts (for example region × taxonomy domain). Before
 * they leave the service:
 *
 * 1. Primary suppression (R27, the ONS 10-5 rule): a count from 1 to threshold − 1 (default 1–9) is replaced by the
 *    marker `suppressed` (the summaries show `[c]`, GSS "Symbols in tables"). A true 0 is shown as 0: it
 *    describes no one.
 * 2. Rounding: every other published value is rounded to the nearest multiple of `base` (default 5), ties half up
 *    (only possible with an even base; with base 5 an integer is never exactly halfway).
 * 3. Totals (R29) are computed from the unrounded counts, then rounded, and are themselves suppressed if 1–9.
 * 4. Secondary (complementary) suppression (R28): a lone suppressed value could be recovered by subtraction from
 *    its row or column total, so more values are suppressed until every line is protected (grid.ts).
 * 5. Audit (R28): lines together, other cuts of the same publication, and what is known of how tables relate
 *    (links, e.g. a taxonomy group's count is at most its domain's) can still narrow a suppressed value, so the
 *    result is solved for as an attacker would, from every published value and link at once (audit.ts), and while
 *    some suppressed value is confined to an interval narrower than `threshold` one more entry near it is hidden
 *    (protect.ts).
 *
 * Everything here is pure and deterministic: the same input always gives the same output (ties are broken by
 * position), which R30 (byte-identical re-pulls) depends on.
 */

import { type CountTable, type DisclosureOptions, type Link, type PublishedTable, isCount, resolveOptions } from './published.js'
import { protectPublication, validate } from './protect.js'

export {
  type CountTable,
  DEFAULT_BASE,
  DEFAULT_THRESHOLD,
  type DisclosureOptions,
  type Link,
  type Place,
  type Publication,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  type Suppressed,
  TOTAL,
  roundToBase
} from './published.js'
export { type SuppressedInterval, suppressedIntervals } from './audit.js'
export { protectPublication } from './protect.js'

/**
 * Several cuts of the same reports published together (e.g. region × domain and region × event class). They share
 * their row totals and grand total, so a total hidden in one cut but shown in another would be read off the other.
 *
 * Guarantee (tested): each returned table meets every `protectTable` guarantee on its own, and the row totals and
 * grand total are published identically in every cut — the same rounded value, or suppressed in all of them. So
 * no shared margin hidden in one cut can be read from another, and a hidden row total always has a hidden cell
 * beside it in every cut. And across all the cuts together: from everything they publish, each suppressed entry
 * could be anything in an interval at least `threshold` wide (`suppressedIntervals`, audit.ts).
 *
 * Throws if the cuts do not have the same row labels and the same unrounded row totals.
 */
export const protectCuts = (cuts: readonly CountTable[], options: DisclosureOptions = {}): PublishedTable[] =>
  cuts.length === 0 ? [] : (protectPublication({ blocks: [cuts] }, options)[0] ?? [])

/**
 * One table, protected (R27–R29). Guarantees (property-tested with the defaults):
 *  - no published cell or total is an integer 1..threshold−1; every published number is a multiple of `base`;
 *    a published value is 0 exactly when the true count is 0 (a true 0 is never suppressed);
 *  - each published total is the true total rounded (within ±base/2);
 *  - every line (row or column, margins included) holding a suppressed entry holds at least two, and either its
 *    total is suppressed or, from that line's published values alone, each hidden cell could be anything in an
 *    interval at least `threshold` wide;
 *  - from all the published values together, each suppressed entry could be anything in an interval at least
 *    `threshold` wide (R28; `suppressedIntervals` solves for it as an attacker would).
 */
export const protectTable = (table: CountTable, options: DisclosureOptions = {}): PublishedTable => {
  const [published] = protectCuts([table], options)
  if (published === undefined) throw new Error('unreachable')
  return published
}

/**
 * The links between two levels of a hierarchy of categories counted per report "with at least one code in the
 * category" (taxonomy domains and groups): row by row, a child's count is at most its parent's (a report with a
 * code in the group has one in its domain), and a parent's count is at most the sum of its children's (a report
 * with a code in the domain has one in at least one of its groups). `parent` and `child` are the cuts of the two
 * tables in the publication, `childToParent[c]` the parent column of child column c, `rows` their number of rows.
 * (Sums over rows and columns of these follow from the tables' own totals, so totals need no links of their own. A
 * parent with no child gets no link: in such a hierarchy it can only count 0, and a 0 is published as 0.)
 */
export const hierarchyLinks = (
  parent: number,
  child: number,
  childToParent: readonly number[],
  rows: number
): Link[] => {
  const parents = [...new Set(childToParent)].sort((a, b) => a - b)
  return Array.from({ length: rows }, (_, row) => [
    ...childToParent.map((p, column) => ({
      whole: { cut: child, row, column },
      parts: [{ cut: parent, row, column: p }]
    })),
    ...parents.map((p) => ({
      whole: { cut: parent, row, column: p },
      parts: childToParent.flatMap((q, column) => (q === p ? [{ cut: child, row, column }] : []))
    }))
  ]).flat()
}

/**
 * Two levels of a hierarchy (e.g. taxonomy domains and groups, per report "with at least one code in it") of the
 * same rows, protected together so that neither can be read off the other: `childToParent[c]` is the parent column
 * of child column c. Each returned table meets every `protectTable` guarantee on its own, and from both together,
 * with the links between them (`hierarchyLinks`), each suppressed entry could be anything in an interval at least
 * `threshold` wide. The two tables share no totals: each counts mentions at its own level.
 *
 * Throws if the tables have different row labels, if the mapping does not fit them, or if the counts break a link
 * (a child above its parent, or a parent above the sum of its children).
 */
export const protectLinkedTables = (
  parent: CountTable,
  child: CountTable,
  childToParent: readonly number[],
  options: DisclosureOptions = {}
): [parent: PublishedTable, child: PublishedTable] => {
  validate(parent)
  validate(child)
  const rows = parent.rowLabels.length
  const sameRows =
    child.rowLabels.length === rows && child.rowLabels.every((label, i) => label === parent.rowLabels[i])
  const fits = childToParent.length === child.columnLabels.length &&
    childToParent.every((p) => Number.isSafeInteger(p) && p >= 0 && p < parent.columnLabels.length)
  if (!sameRows || !fits) {
    throw new RangeError('linked tables need the same rows, and a parent column for each child column')
  }
  const links = hierarchyLinks(0, 1, childToParent, rows)
  const [[parentOut], [childOut]] = protectPublication({ blocks: [[parent], [child]], links }, options) as
    [[PublishedTable], [PublishedTable]]
  return [parentOut, childOut]
}

/** R29: a group whose total is below the threshold gets no table at all. */
export const isTablePublishable = (table: CountTable, options: DisclosureOptions = {}): boolean => {
  const { threshold } = resolveOptions(options)
  validate(table)
  return table.counts.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0) >= threshold
}

/** HESA suppresses percentages over populations of 22.5 or fewer; counts are whole, so the floor is 23. */
export const MIN_SHARE_DENOMINATOR = 23

/**
 * numerator / denominator (a fraction in 0..1), or null when it must not be published (R29): the denominator is
 * below 23 or below the threshold. Also null — stricter than R29 — when the numerator, or the remainder
 * (denominator − numerator), is 1..threshold−1: 3 of 40 published as 7.5% would give away a count that the table
 * beside it suppresses.
 */
export const publishableShare = (
  numerator: number,
  denominator: number,
  options: DisclosureOptions = {}
): number | null => {
  const { threshold } = resolveOptions(options)
  if (!isCount(numerator) || !isCount(denominator) || numerator > denominator) {
    throw new RangeError('a share needs counts with numerator ≤ denominator')
  }
  const small = (n: number): boolean => n >= 1 && n < threshold
  if (denominator < Math.max(MIN_SHARE_DENOMINATOR, threshold)) return null
  if (small(numerator) || small(denominator - numerator)) return null
  return numerator / denominator
}

/** Mean of per-report values, or null when fewer than `threshold` (default 10) reports contribute (R29). */
export const publishableMean = (values: readonly number[], options: DisclosureOptions = {}): number | null => {
  const { threshold } = resolveOptions(options)
  if (values.length < threshold) return null
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Median of per-report values, or null when fewer than `threshold` (default 10) reports contribute (R29). */
export const publishableMedian = (values: readonly number[], options: DisclosureOptions = {}): number | null => {
  const { threshold } = resolveOptions(options)
  if (values.length < threshold) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? 0
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2
}
