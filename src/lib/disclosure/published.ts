/**
 * What a published table is, and the two rules that make each published number (threshold and rounding base).
 * Shared by the protection (index.ts) and the attacker's audit of its output (audit.ts).
 */

export const SUPPRESSED = 'suppressed' as const
export type Suppressed = typeof SUPPRESSED
/** A published value: a multiple of the rounding base (or a true 0), or the suppression marker. */
export type PublishedCount = number | Suppressed

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
