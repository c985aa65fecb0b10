import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'

/**
 * How every hidden cell is shown, in JSON and CSV alike (R27; GSS "Symbols in tables": `[c]`, confidential). One
 * symbol whatever the reason: a cell hidden to protect another may hold 22, and "<10" over it would mislead a
 * reader; an intruder learns no more, since primary and secondary suppression still look alike. The threshold is
 * in the metadata (suppressedBelow), not in the symbol.
 */
export const SUPPRESSED_SYMBOL = '[c]' as const
export type SuppressedSymbol = typeof SUPPRESSED_SYMBOL
/** The symbol is the same for every threshold (kept as a function so callers name what they show). */
export const suppressedMark = (): SuppressedSymbol => SUPPRESSED_SYMBOL

const ZMark = z.literal(SUPPRESSED_SYMBOL)
const ZValue = z.union([z.number().int().nonnegative(), ZMark])

export type Disclosure = { threshold: number; base: number }

export const CUTS = ['event_class', 'detection', 'setting', 'domain', 'group'] as const
export const ROWS = ['on_time', 'late'] as const

/**
 * A published quarterly summary (R25: only this fixed shape, no report ids, no dates finer than the quarter, no
 * free text but the reviewers' consented learning points; strict objects, so nothing else can slip in).
 */
export const ZSummary = z
  .object({
    quarter: z.string(),
    region: z.string(),
    taxonomyVersion: z.number().int(),
    status: z
      .enum(['published', 'withheld'])
      .describe('withheld: fewer reports (on time and late) than suppressedBelow, so no table at all (R29)'),
    disclosure: z
      .object({
        suppressedBelow: z.number().int(),
        roundedTo: z.number().int(),
        marker: ZMark.describe(
          'how every hidden cell is shown (GSS "Symbols in tables"): a hidden cell may be small (1 to ' +
            'suppressedBelow − 1) or may protect a small one, so it may hold any count'
        ),
        note: z.string()
      })
      .strict(),
    reports: z.object({ onTime: ZValue, late: ZValue }).strict().nullable(),
    tables: z.array(
      z
        .object({
          cut: z.enum(CUTS),
          counts: z.string().describe('what a cell counts'),
          categories: z.array(z.string()),
          rows: z.array(
            z
              .object({
                row: z
                  .enum(ROWS)
                  .describe('a row of fewer reports than suppressedBelow shows every value and its total as the marker'),
                values: z.array(ZValue).describe('one per category, in order'),
                total: ZValue
              })
              .strict()
          )
        })
        .strict()
    ),
    topThemes: z.array(
      z
        .object({
          code: z.string(),
          label: z.string(),
          count: z.number().int(),
          share: z.number().nullable().describe('of the on-time reports; null where too few to publish a share')
        })
        .strict()
    ),
    learningPoints: z.array(z.string()),
    actions: z
      .object({
        counts: z.string(),
        categories: z.array(z.string()).describe('taxonomy domains'),
        rows: z.array(
          z
            .object({
              row: z.enum(['proposed', 'agreed', 'in_progress', 'done', 'dropped']),
              values: z.array(ZValue),
              total: ZValue
            })
            .strict()
        )
      })
      .strict()
      .nullable()
      .optional()
      .describe('"you said, we did": actions by theme (domain) and status, disclosure-controlled; absent before it existed')
  })
  .strict()
export type TSummary = z.infer<typeof ZSummary>

export const ZSummaryQuery = z
  .object({
    quarter: z.string().regex(/^(?:19|20)\d{2}-Q[1-4]$/, { error: 'expected a quarter as YYYY-Qn' }),
    region: z.string().min(1).max(64),
    cut: z.enum([...CUTS, 'actions']).optional().describe('CSV only: one cut (or the actions table) instead of all')
  })
  .strict()
export type TSummaryQuery = z.infer<typeof ZSummaryQuery>

export const CSV_HEADER = 'quarter,region,cut,row,category,count'

/** The route's schema; its words name the configured threshold and base, as the published bytes do. */
export const summarySchema = ({ threshold, base }: Disclosure) => ({
  tags: ['summaries'],
  summary: 'A published quarterly learning summary for one region, disclosure-controlled and frozen.',
  description:
    'Authorization: Bearer <API key>; the key sees only its regions. JSON by default; CSV when the Accept header ' +
    `prefers text/csv (q-values are honoured), a tidy table (${CSV_HEADER}), all cuts or the one named by cut; 406 ` +
    'when it accepts neither. Only published quarters exist (404 otherwise), and every pull of one returns the same ' +
    `bytes. Counts from 1 to ${threshold - 1} are hidden, shown as ${suppressedMark()} (as is any cell hidden to ` +
    `protect one, so a hidden cell may hold any count), and the rest rounded to the nearest ${base}; a row (on_time ` +
    `or late) of fewer than ${threshold} reports shows every value and its total as ${suppressedMark()}, and a ` +
    `region with fewer than ${threshold} reports in all is withheld (no tables).`,
  security: [{ apiKey: [] }],
  querystring: ZSummaryQuery,
  produces: ['application/json', 'text/csv'],
  response: {
    200: ZSummary.describe(
      `JSON (the schema below); or, with Accept: text/csv, RFC 4180 lines ending CRLF under the header ${CSV_HEADER}: ` +
        'one line per cut, row (on_time or late) and category, then a total line per row, then the actions table as ' +
        'cut actions (row: the status, category: the domain); count is a multiple of ' +
        `${base}, 0, or ${suppressedMark()} for a hidden cell`
    ),
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    404: ZErrorResponse,
    406: ZErrorResponse,
    429: ZErrorResponse
  }
})

export const ZSummaryListQuery = z.object({ region: z.string().min(1).max(64) }).strict()

/** GET /api/v1/summaries: which quarters a region has, for a time series without guessing (issue 14.4). */
export const summaryListSchema = {
  tags: ['summaries'],
  summary: "The quarters published for one of the key's regions, oldest first.",
  description: 'Authorization: Bearer <API key>. Each quarter is then read from /api/v1/summaries/quarterly.',
  security: [{ apiKey: [] }],
  querystring: ZSummaryListQuery,
  response: {
    200: z
      .object({
        region: z.string(),
        quarters: z.array(z.string()).describe('published quarters (YYYY-Qn), oldest first')
      })
      .strict(),
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    429: ZErrorResponse
  }
}
