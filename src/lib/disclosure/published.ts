/**
 * What a table and a publication are, and the two rules that make each published number (threshold and rounding
 * base). Shared by the protection (index.ts, grid.ts, protect.ts) and the attacker's audit of its output (audit.ts).
 */

export const SUPPRESSED = 'suppressed' as const
export type Suppressed = typeof SUPPRESSED
/** A published value: a multiple of the rounding base (or a true 0), or the suppression marker. */
export type PublishedCount = number | Suppressed

export type CountTable = {
  rowLabels: readonly string[]
  columnLabels: readonly string[]
  /** counts[row][column]: non-negative integers, one row per row label, one column per column label. */
  counts: readonly (readonly number[])[]
}

export type PublishedTable = {
  rowLabels: string[]
  columnLabels: string[]
  cells: PublishedCount[][]
  rowTotals: PublishedCount[]
  columnTotals: PublishedCount[]
  grandTotal: PublishedCount
}

export type DisclosureOptions = {
  /** Counts from 1 to threshold − 1 are suppressed. Default 10 (ONS). */
  threshold?: number
  /** Published values are rounded to the nearest multiple of this. Default 5. */
  base?: number
}

export const DEFAULT_THRESHOLD = 10
export const DEFAULT_BASE = 5

/** Nearest multiple of `base`, ties half up, in integer arithmetic so no floating-point edge can move a value. */
export const roundToBase = (n: number, base: number): number => {
  const remainder = n % base
  return remainder * 2 >= base ? n - remainder + base : n - remainder
}

export const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

export const resolveOptions = (options: DisclosureOptions): { threshold: number; base: number } => {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  const base = options.base ?? DEFAULT_BASE
  if (!Number.isSafeInteger(threshold) || threshold < 1 || !Number.isSafeInteger(base) || base < 1) {
    throw new RangeError('threshold and base must be positive integers')
  }
  // Rounding is monotone, so this guarantees every count ≥ threshold is published as a value ≥ threshold: no
  // published number can then look like a small count (1..threshold−1) and nothing non-zero is published as 0.
  // (threshold 10 / base 5 passes; threshold 12 / base 5 would publish 12 as 10 and is refused.)
  if (roundToBase(threshold, base) < threshold) {
    throw new RangeError('threshold must not round down below itself with this base')
  }
  return { threshold, base }
}

/** In a place, `row: TOTAL` is the column-totals row and `column: TOTAL` the row-totals column. */
export const TOTAL = 'total' as const
export type Total = typeof TOTAL

/**
 * Where an entry is published: `cut` indexes the publication's tables (its blocks' tables in order). Row totals
 * and the grand total are one entry shared by the cuts of a block: the audit reports them as the block's first
 * cut, and a link may name them through any cut of the block.
 */
export type Place = { cut: number; row: number | Total; column: number | Total }

/**
 * A fact an attacker knows about the true counts beyond the tables' own sums: the entry `whole` is at most the sum
 * of the entries `parts` (a report in a taxonomy group is in its domain: group ≤ domain; a report in a domain is in
 * one of its groups: domain ≤ Σ its groups).
 *
 * It must hold for every set of reports, not just these (a fact of how the tables are defined, not of this data):
 * then adding copies of any one report keeps every link true, which is what lets the protection always widen a
 * narrow interval (see `widening` in protect.ts). The protection checks that it holds for the counts given.
 */
export type Link = { whole: Place; parts: readonly Place[] }

/**
 * Tables published together. The cuts of a block are cuts of the same reports (they share their row totals and
 * grand total); tables of different blocks share nothing but the links between them.
 */
export type Publication<T> = { blocks: readonly (readonly T[])[]; links?: readonly Link[] }
