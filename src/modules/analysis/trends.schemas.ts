import { z } from 'zod'
import { errorResponses } from '../../lib/http-schemas.js'
import { parsePeriod } from '../../lib/periods.js'

/** A month ("2026-03") or a quarter ("2026-Q1"). */
const ZPeriod = z
  .string()
  .max(7)
  .refine((text) => parsePeriod(text) !== null, { error: 'expected a month as YYYY-MM or a quarter as YYYY-Qn' })
  .refine((text) => text >= '1990' && text < '2100', { error: 'expected a year from 1990 to 2099' })

const ZCode = z
  .string()
  .regex(/^[A-Z]{2}(?:\.[A-Z]{2}(?:\.\d{2})?)?$/, { error: 'expected a taxonomy code such as PA, PA.AT or PA.AT.01' })

const ZLevel = z.coerce.number().int().min(1).max(3)
const ZRole = z.enum(['any', 'contributing', 'mitigating'])
const ZInterval = z.enum(['month', 'quarter'])

export const DIMENSIONS = ['region', 'setting', 'eventClass', 'detection', 'reach', 'eventType'] as const
export type Dimension = (typeof DIMENSIONS)[number]

const filters = {
  code: ZCode.optional().describe('only reports with this code (any level), in the chosen role'),
  region: z.string().min(1).max(64).optional(),
  setting: z.string().min(1).max(64).optional(),
  eventClass: z.string().min(1).max(64).optional(),
  detection: z.string().min(1).max(64).optional(),
  reach: z.string().min(1).max(64).optional(),
  eventType: z.string().min(1).max(64).optional()
}

const range = {
  from: ZPeriod.optional().describe('first month or quarter the events happened in (default: 12 months before to)'),
  to: ZPeriod.optional().describe('last month or quarter (default: the current month)')
}

export const ZTrendsQuery = z
  .object({
    ...range,
    interval: ZInterval.default('month'),
    groupBy: z.enum(['code', ...DIMENSIONS]).default('code'),
    level: ZLevel.default(1).describe('taxonomy level when grouping by code: 1 domain, 2 group, 3 leaf'),
    role: ZRole.default('any').describe('which codes count: contributing, mitigating, or either'),
    ...filters
  })
  .strict()
export type TTrendsQuery = z.infer<typeof ZTrendsQuery>

const ZAppliedRange = {
  from: z.string().describe('first month included'),
  to: z.string().describe('last month included')
}

export const ZTrendsResponse = z
  .object({
    ...ZAppliedRange,
    interval: ZInterval,
    groupBy: z.string(),
    level: z.number().int().nullable(),
    role: ZRole,
    filters: z.record(z.string(), z.string()),
    labels: z.record(z.string(), z.string()).describe('taxonomy labels of the codes in the answer'),
    periods: z.array(
      z
        .object({
          period: z.string(),
          reports: z.number().int().describe('coded reports in the period (with the filters)'),
          groups: z.array(
            z
              .object({
                key: z.string(),
                count: z.number().int().describe('reports in the group (each report once per group)'),
                share: z.number().nullable().describe('count / reports; null when there are no reports')
              })
              .strict()
          )
        })
        .strict()
    )
  })
  .strict()
export type TTrendsResponse = z.infer<typeof ZTrendsResponse>

export const ZCooccurrenceQuery = z
  .object({
    ...range,
    level: ZLevel.default(3),
    minCount: z.coerce.number().int().min(1).max(1_000_000).default(1),
    limit: z.coerce.number().int().min(1).max(500).default(50)
  })
  .strict()
export type TCooccurrenceQuery = z.infer<typeof ZCooccurrenceQuery>

export const ZCooccurrenceResponse = z
  .object({
    ...ZAppliedRange,
    level: z.number().int(),
    reports: z.number().int(),
    method: z.string(),
    pairs: z.array(
      z
        .object({
          a: z.string(),
          b: z.string(),
          count: z.number().int().describe('reports carrying both codes'),
          countA: z.number().int(),
          countB: z.number().int(),
          lift: z.number().describe('count × reports / (countA × countB): above 1, together more than by chance')
        })
        .strict()
    )
  })
  .strict()
export type TCooccurrenceResponse = z.infer<typeof ZCooccurrenceResponse>

export const ZRisingQuery = z
  .object({
    period: ZPeriod.optional().describe('the month (YYYY-MM) or quarter (YYYY-Qn) to test, taken as given (default: ' +
      'the last complete period of interval)'),
    interval: ZInterval.optional().describe('month or quarter; default: what period is, or quarter. A period that ' +
      'is not of this interval is refused (400 naming period), never widened or narrowed'),
    baseline: z.coerce.number().int().min(1).max(24).optional().describe('how many periods before it form the ' +
      'baseline (default: 12 quarters or 24 months; periods without coded reports are skipped, so a long baseline ' +
      'costs nothing where the record is shorter)'),
    level: ZLevel.default(2),
    role: ZRole.default('any'),
    alpha: z.coerce.number().min(0.0001).max(0.5).default(0.05).describe('false discovery rate')
  })
  .strict()
export type TRisingQuery = z.infer<typeof ZRisingQuery>

const ZTheme = z
  .object({
    code: z.string(),
    label: z.string(),
    count: z.number().int(),
    share: z.number(),
    baselineCount: z.number().int(),
    baselineShare: z.number(),
    pValue: z.number().describe("one-sided p-value of the theme's test (see test)"),
    qValue: z.number().describe('Benjamini–Hochberg adjusted p-value, over the family (see family)'),
    test: z.enum(['quasi-poisson', 'exact-mid-p']).describe('quasi-poisson: the baseline model; exact-mid-p: the ' +
      "mid-p of one-sided Fisher's exact test on pooled counts, where no model can be fitted"),
    fallbackReason: z.enum(['short-baseline', 'no-baseline-count', 'no-reports-in-period']).nullable()
      .describe('why the exact test stays: fewer than minBaselinePeriods baseline periods with reports, none of ' +
        'them with the theme, or no coded reports in the period; null for quasi-poisson'),
    expected: z.number().nullable().describe("the period's expected count under the baseline model"),
    expectedShare: z.number().nullable().describe('expected / reports'),
    threshold: z.number().nullable()
      .describe('the count above which the period would be flagged at alpha before the multiplicity adjustment'),
    dispersion: z.number().nullable().describe('φ: variance / mean of the counts under the model (1: Poisson), as ' +
      'the test used it: the estimate, never below the binomial 1 − share'),
    dispersionEstimate: z.number().nullable().describe("Pearson's χ² over the residual df, before the binomial floor"),
    df: z.number().int().nullable().describe('residual degrees of freedom of the baseline fit'),
    testDf: z.number().nullable().describe("degrees of freedom of the Student's t the score is referred to: what the " +
      "dispersion estimate is worth once the counts' fourth moment is allowed for (at most df)"),
    power: z.number().nullable().describe("the power the counts are compared on, (φ + 1)/(3φ): Farrington's 2/3 at " +
      'φ = 1, towards 1/3 as the dispersion grows'),
    trend: z.boolean().describe('whether the baseline model kept a linear trend'),
    seasonal: z.boolean().describe('whether the baseline model has a seasonal term (one harmonic pair)')
  })
  .strict()

const ZRisingMethod = z
  .object({
    name: z.literal('quasi-poisson-farrington-noufaily'),
    fallback: z.literal('fisher-exact-mid-p'),
    references: z.array(z.string()),
    baselinePeriods: z.number().int().describe('periods in the baseline, as asked or by default'),
    baselineDefault: z.boolean().describe('whether baselinePeriods is the default (12 quarters, 24 months)'),
    baselinePeriodsWithReports: z.number().int().describe('of those, periods with coded reports (the ones fitted)'),
    trendFromPeriods: z.number().int().describe('a trend is considered from this many baseline periods'),
    seasonalFromPeriods: z.number().int().describe('seasonality is fitted from this many baseline periods'),
    minBaselinePeriods: z.number().int().describe('fewer baseline periods with reports: the exact test stays'),
    fitted: z.number().int().describe('themes tested with the baseline model'),
    exact: z.number().int().describe('themes tested with the exact mid-p')
  })
  .strict()

const ZRisingFamily = z
  .object({
    level: z.number().int(),
    role: ZRole,
    period: z.string(),
    themes: z.number().int().describe('hypotheses in the family: every theme tested'),
    procedure: z.literal('Benjamini–Hochberg'),
    alpha: z.number().describe('the false discovery rate controlled within this family'),
    scope: z.string()
  })
  .strict()

export const ZRisingResponse = z
  .object({
    test: z.string(),
    period: z.string(),
    interval: ZInterval.describe('the interval of period and of the baseline periods'),
    baselineFrom: z.string(),
    baselineTo: z.string(),
    level: z.number().int(),
    role: ZRole,
    alpha: z.number(),
    reports: z.number().int(),
    baselineReports: z.number().int(),
    tested: z.number().int().describe('themes present in the period or its baseline'),
    method: ZRisingMethod.describe('the test, the baseline it used and its settings'),
    family: ZRisingFamily.describe('the family of tests over which the false discovery rate is controlled'),
    rising: z.array(ZTheme)
  })
  .strict()
export type TRisingResponse = z.infer<typeof ZRisingResponse>

const errors = errorResponses(400, 401, 403)

export const trendsSchema = {
  tags: ['analysis'],
  summary: 'Coded reports per month or quarter, grouped by code (level 1–3) or a coded field, with filters.',
  querystring: ZTrendsQuery,
  response: { 200: ZTrendsResponse, ...errors }
}

export const cooccurrenceSchema = {
  tags: ['analysis'],
  summary: 'Which codes appear together on the same reports, with counts and lift.',
  querystring: ZCooccurrenceQuery,
  response: { 200: ZCooccurrenceResponse, ...errors }
}

export const risingSchema = {
  tags: ['analysis'],
  summary: 'Themes whose share in a period is above their own baseline (quasi-Poisson baseline allowing for ' +
    'overdispersion, BH-adjusted over one declared family).',
  querystring: ZRisingQuery,
  response: { 200: ZRisingResponse, ...errors }
}
