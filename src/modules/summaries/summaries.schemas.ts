import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'

/** How a suppressed count (1 to threshold − 1, or hidden to protect one) is shown, in JSON and CSV alike (R27). */
export const SUPPRESSED_MARK = '<10'

const ZValue = z.union([z.number().int().nonnegative(), z.literal(SUPPRESSED_MARK)])

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
    status: z.enum(['published', 'withheld']).describe('withheld: fewer than 10 reports, so no table at all (R29)'),
    disclosure: z
      .object({
        suppressedBelow: z.number().int(),
        roundedTo: z.number().int(),
        marker: z.literal(SUPPRESSED_MARK),
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
                row: z.enum(ROWS),
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
    learningPoints: z.array(z.string())
  })
  .strict()
export type TSummary = z.infer<typeof ZSummary>

export const ZSummaryQuery = z
  .object({
    quarter: z.string().regex(/^(?:19|20)\d{2}-Q[1-4]$/, { error: 'expected a quarter as YYYY-Qn' }),
    region: z.string().min(1).max(64),
    cut: z.enum(CUTS).optional().describe('CSV only: one cut instead of all of them')
  })
  .strict()
export type TSummaryQuery = z.infer<typeof ZSummaryQuery>

export const CSV_HEADER = 'quarter,region,cut,row,category,count'

export const summarySchema = {
  tags: ['summaries'],
  summary: 'A published quarterly learning summary for one region, disclosure-controlled and frozen.',
  description:
    'Authorization: Bearer <API key>; the key sees only its regions. JSON by default; with Accept: text/csv, a tidy ' +
    `table (${CSV_HEADER}), all cuts or the one named by cut. Only published quarters exist (404 otherwise), and ` +
    'every pull of one returns the same bytes.',
  security: [{ apiKey: [] }],
  querystring: ZSummaryQuery,
  produces: ['application/json', 'text/csv'],
  response: {
    200: ZSummary.describe(
      `JSON (the schema below); or, with Accept: text/csv, RFC 4180 lines ending CRLF under the header ${CSV_HEADER}: ` +
        'one line per cut, row (on_time or late) and category, then a total line per row; count is a multiple of the ' +
        `rounding base, 0, or ${SUPPRESSED_MARK} for a suppressed count`
    ),
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    404: ZErrorResponse,
    406: ZErrorResponse,
    429: ZErrorResponse
  }
}
