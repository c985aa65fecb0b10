/**
 * Months and quarters as analysis and publication use them. A month is an index (year × 12 + month − 1) so that
 * ranges are plain integer ranges; strings are "YYYY-MM" and "YYYY-Qn".
 */

export type Interval = 'month' | 'quarter'

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/
const QUARTER = /^(\d{4})-Q([1-4])$/

export const monthIndex = (year: number, month: number): number => year * 12 + month - 1

export const monthIndexOfDate = (date: Date): number => monthIndex(date.getUTCFullYear(), date.getUTCMonth() + 1)

export const dateOfMonthIndex = (index: number): Date => new Date(Date.UTC(Math.floor(index / 12), index % 12, 1))

export const monthLabel = (index: number): string =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`

export const quarterLabel = (index: number): string => `${Math.floor(index / 12)}-Q${Math.floor((index % 12) / 3) + 1}`

/** The first month of the quarter `index` falls in. */
export const quarterStart = (index: number): number => index - (index % 3)

/** The months "YYYY-MM" or "YYYY-Qn" covers, as [first, last] month indexes; null if it is neither. */
export const parsePeriod = (text: string): [number, number] | null => {
  const month = MONTH.exec(text)
  if (month) {
    const index = monthIndex(Number(month[1]), Number(month[2]))
    return [index, index]
  }
  const quarter = QUARTER.exec(text)
  if (quarter) {
    const first = monthIndex(Number(quarter[1]), (Number(quarter[2]) - 1) * 3 + 1)
    return [first, first + 2]
  }
  return null
}

/** The period a month belongs to, by interval. */
export const periodOf = (index: number, interval: Interval): number =>
  interval === 'month' ? index : quarterStart(index)

export const periodLabel = (period: number, interval: Interval): string =>
  interval === 'month' ? monthLabel(period) : quarterLabel(period)

/** The periods from the one holding `first` to the one holding `last`, in order. */
export const periodsBetween = (first: number, last: number, interval: Interval): number[] => {
  const step = interval === 'month' ? 1 : 3
  const periods: number[] = []
  for (let p = periodOf(first, interval); p <= last; p += step) periods.push(p)
  return periods
}

/** The calendar blocks a range is tiled with, in months: a month, a quarter, a year. Each divides the next. */
export const BLOCK_SPANS = [1, 3, 12] as const

/** A calendar block of months (span 1, 3 or 12), from its first month. */
export type MonthBlock = { span: (typeof BLOCK_SPANS)[number]; start: number }

const LARGEST_FIRST = [...BLOCK_SPANS].reverse()

/**
 * The fewest calendar months, quarters and years that tile the months first..last (both included), in order:
 * from each month, the largest block that starts there and ends inside the range. Blocks nest (a year is four
 * quarters, a quarter three months), so taking the largest each time is never worse than any other choice. A rollup
 * kept at all three spans then answers a 12-month range from 1 to 6 blocks instead of 12 months.
 */
export const blocksOf = (first: number, last: number): MonthBlock[] => {
  const blocks: MonthBlock[] = []
  for (let start = first; start <= last;) {
    const span = LARGEST_FIRST.find((size) => start % size === 0 && start + size - 1 <= last) ?? 1
    blocks.push({ span, start })
    start += span
  }
  return blocks
}
