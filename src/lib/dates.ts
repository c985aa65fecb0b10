/**
 * Dates, never instants: Candid stores the day a report arrived and the month an event happened, never a time
 * that could be matched against a rota or a login record.
 */

/** Midnight UTC of `instant`'s UTC day. */
export const toDateOnly = (instant: Date): Date =>
  new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()))

/** "2026-11" for November 2026 (UTC). */
export const toMonthString = (instant: Date): string =>
  `${instant.getUTCFullYear()}-${String(instant.getUTCMonth() + 1).padStart(2, '0')}`

/** The first day of a "YYYY-MM" month, as a UTC date. */
export const monthStart = (month: string): Date => new Date(`${month}-01T00:00:00.000Z`)

/** Whether "YYYY-MM" is later than the month of `now` (UTC). */
export const isFutureMonth = (month: string, now: Date): boolean => month > toMonthString(now)
