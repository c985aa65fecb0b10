import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { MAX_SERIES_QUARTERS } from './reading.service.js'
import { headerOf, LEARNING_POINTS_CSV_HEADER, SERVED_CSV_HEADER, SERVED_CUTS, TOP_THEMES_CSV_HEADER } from './served.js'
import { type Disclosure, summarySchema, suppressedMark, ZSummary } from './summaries.schemas.js'

const ZQuarter = z.string().regex(/^(?:19|20)\d{2}-Q[1-4]$/, { error: 'expected a quarter as YYYY-Qn' })
const ZRegion = z.string().min(1).max(64)
const ZCut = z
  .enum(SERVED_CUTS, { error: `expected one of ${SERVED_CUTS.join(', ')}` })
  .optional()
  .describe(
    'CSV only: one table instead of every count table. A count table by its cut, `actions` (actions by domain and ' +
      `status), \`late\` (every count table's late row), \`top_themes\` (${TOP_THEMES_CSV_HEADER}) or ` +
      `\`learning_points\` (${LEARNING_POINTS_CSV_HEADER})`
  )

export const ZQuarterlyQuery = z.object({ quarter: ZQuarter, region: ZRegion, cut: ZCut }).strict()
export const ZSeriesQuery = z.object({ region: ZRegion, from: ZQuarter, to: ZQuarter, cut: ZCut }).strict()

const ZTable = ZSummary.shape.tables.element
const ZActions = ZSummary.shape.actions.unwrap().unwrap()
const ZLabels = z.array(z.string()).describe("one per category, in order: the category's label (a code's own words)")

/** A summary as served: the published one with every table's categories labelled. */
export const ZServedSummary = ZSummary.extend({
  tables: z.array(ZTable.extend({ labels: ZLabels }).strict()),
  actions: ZActions.extend({ labels: ZLabels }).strict().nullable().optional()
}).strict()

const CSV_WORDS =
  `CSV (Accept preferring text/csv): RFC 4180 lines ending CRLF under ${SERVED_CSV_HEADER} (${headerOf('top_themes')} ` +
  `for cut=top_themes, ${headerOf('learning_points')} for cut=learning_points); text with commas or quotes is quoted.`

/** GET /api/v1/summaries/quarterly: one quarter, labelled, any table as CSV. */
export const quarterlySchema = ({ threshold, base }: Disclosure) => {
  const published = summarySchema({ threshold, base })
  return {
    ...published,
    description:
      'Authorization: Bearer <API key>; the key sees only its regions. JSON by default, every category with its ' +
      'label (labels, one per category); CSV when the Accept header prefers text/csv (q-values are honoured), ' +
      'every count table and the actions table or the one table named by cut; 406 when it accepts neither. Only ' +
      'published quarters exist (404 otherwise), and every pull of one returns the same bytes. Counts from 1 to ' +
      `${threshold - 1} are hidden, shown as ${suppressedMark()} (as is any cell hidden to protect one, so a hidden ` +
      `cell may hold any count), and the rest rounded to the nearest ${base}; a row (on_time or late) of fewer than ` +
      `${threshold} reports shows every value and its total as ${suppressedMark()}, and a region with fewer than ` +
      `${threshold} reports in all is withheld (no tables).`,
    querystring: ZQuarterlyQuery,
    response: {
      ...published.response,
      200: ZServedSummary.describe(
        `JSON (the schema below); or ${CSV_WORDS} In the tidy table, one line per table, row and category, then a ` +
          `total line per row; count is a multiple of ${base}, 0, or ${suppressedMark()} for a hidden cell`
      )
    }
  }
}

/** GET /api/v1/summaries/series: the published quarters of a range, for a time series in one pull. */
export const seriesSchema = (disclosure: Disclosure) => ({
  tags: ['summaries'],
  summary: "A region's published summaries from one quarter to another, for a time series in one pull.",
  description:
    'Authorization: Bearer <API key>; the key sees only its regions. from and to are quarters (YYYY-Qn), both ' +
    `included, to not before from, at most ${MAX_SERIES_QUARTERS} quarters apart (400 otherwise, naming the ` +
    'parameter). Quarters not published in the range are absent (quarters lists those present). JSON: each summary ' +
    `as /api/v1/summaries/quarterly gives it. ${CSV_WORDS} One header, then each quarter's lines, oldest first. ` +
    `Disclosure control as published: counts below ${disclosure.threshold} hidden, the rest rounded to ` +
    `${disclosure.base}.`,
  security: [{ apiKey: [] }],
  querystring: ZSeriesQuery,
  produces: ['application/json', 'text/csv'],
  response: {
    200: z
      .object({
        region: z.string(),
        from: z.string(),
        to: z.string(),
        quarters: z.array(z.string()).describe('the published quarters in the range, oldest first'),
        summaries: z.array(ZServedSummary).describe('one per quarter, in the same order')
      })
      .strict()
      .describe(`JSON (the schema below); or ${CSV_WORDS} One header, then each quarter's lines, oldest first.`),
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    406: ZErrorResponse,
    429: ZErrorResponse
  }
})
