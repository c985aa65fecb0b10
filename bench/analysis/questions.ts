// The lead's questions the analysis benchmark asks, as query strings of GET /api/v1/analysis/…, with ranges
// ending at the last month of the seeded data (shape.ts). What each reads (src/modules/analysis/counts.ts): trends
// without filters read analysis_rollup; with one filter (a code, a region, …) analysis_cross_rollup, or
// analysis_code_cross for codes under a code; with two, analysis_field_cross2 or analysis_code_fields; with three or
// more fields, analysis_field_cube; a code with two or more fields, the bitmaps (bits.ts); co-occurrence reads
// analysis_pair_rollup and analysis_rollup; rising reads analysis_rollup.
import { monthLabel, quarterLabel } from '../../src/lib/periods.js'
import { lastMonthOf } from './shape.js'

export type Question = {
  name: string
  path: 'trends' | 'cooccurrence' | 'rising'
  query: Record<string, string>
  reads: 'rollup' | 'cross rollup' | 'code cross rollup' | 'two-filter rollup' | 'field cube' | 'bitmaps'
}

export const questionsAt = (now: Date): Question[] => {
  const last = lastMonthOf(now)
  const months = (span: number) => ({ from: monthLabel(last - span + 1), to: monthLabel(last) })
  return [
    {
      name: 'trends: domains (level 1), monthly, 24 months',
      path: 'trends',
      query: { groupBy: 'code', level: '1', interval: 'month', ...months(24) },
      reads: 'rollup'
    },
    {
      name: 'trends: groups (level 2), quarterly, 5 years',
      path: 'trends',
      query: {
        groupBy: 'code',
        level: '2',
        interval: 'quarter',
        from: quarterLabel(last - 57),
        to: quarterLabel(last)
      },
      reads: 'rollup'
    },
    {
      name: 'trends: leaves (level 3), contributing, 12 months',
      path: 'trends',
      query: { groupBy: 'code', level: '3', role: 'contributing', interval: 'month', ...months(12) },
      reads: 'rollup'
    },
    {
      name: 'trends: by region, code TC.HO, 12 months',
      path: 'trends',
      query: { groupBy: 'region', code: 'TC.HO', interval: 'month', ...months(12) },
      reads: 'cross rollup'
    },
    {
      name: 'trends: by setting, region london + reach reached_no_harm, 12 months',
      path: 'trends',
      query: { groupBy: 'setting', region: 'london', reach: 'reached_no_harm', interval: 'month', ...months(12) },
      reads: 'two-filter rollup'
    },
    {
      name: 'trends: by region, setting child_protection + event class incident, 12 months',
      path: 'trends',
      query: { groupBy: 'region', setting: 'child_protection', eventClass: 'incident', interval: 'month', ...months(12) },
      reads: 'two-filter rollup'
    },
    {
      name: 'trends: by setting, code TC.HO + region london, 12 months',
      path: 'trends',
      query: { groupBy: 'setting', code: 'TC.HO', region: 'london', interval: 'month', ...months(12) },
      reads: 'two-filter rollup'
    },
    {
      name: 'trends: groups (level 2), region london + setting child_protection, 12 months',
      path: 'trends',
      query: {
        groupBy: 'code',
        level: '2',
        region: 'london',
        setting: 'child_protection',
        interval: 'month',
        ...months(12)
      },
      reads: 'two-filter rollup'
    },
    {
      name: 'trends: groups (level 2), code TC.HO, 12 months',
      path: 'trends',
      query: { groupBy: 'code', level: '2', code: 'TC.HO', interval: 'month', ...months(12) },
      reads: 'code cross rollup'
    },
    {
      name: 'trends: by setting, region london + reach reached_no_harm + detection self, 12 months',
      path: 'trends',
      query: {
        groupBy: 'setting',
        region: 'london',
        reach: 'reached_no_harm',
        detection: 'self',
        interval: 'month',
        ...months(12)
      },
      reads: 'field cube'
    },
    {
      // Not answered by a rollup (see counts.ts): the bitmaps of the code and the two fields, ANDed, against each
      // setting's.
      name: 'trends: by setting, code TC.HO + region london + reach reached_no_harm, 12 months',
      path: 'trends',
      query: {
        groupBy: 'setting',
        code: 'TC.HO',
        region: 'london',
        reach: 'reached_no_harm',
        interval: 'month',
        ...months(12)
      },
      reads: 'bitmaps'
    },
    {
      // The same with two other fields.
      name: 'trends: by region, code TC.HO + setting child_protection + event class incident, 12 months',
      path: 'trends',
      query: {
        groupBy: 'region',
        code: 'TC.HO',
        setting: 'child_protection',
        eventClass: 'incident',
        interval: 'month',
        ...months(12)
      },
      reads: 'bitmaps'
    },
    {
      // Codes by code under a code and a field: the most groups a bitmap question has (each leaf of the taxonomy).
      name: 'trends: leaves (level 3), code TC.HO + region london, 12 months',
      path: 'trends',
      query: { groupBy: 'code', level: '3', code: 'TC.HO', region: 'london', interval: 'month', ...months(12) },
      reads: 'bitmaps'
    },
    {
      name: 'co-occurrence: leaves (level 3), 12 months',
      path: 'cooccurrence',
      query: { level: '3', ...months(12) },
      reads: 'rollup'
    },
    {
      name: 'rising: groups (level 2), last complete quarter vs 4 before',
      path: 'rising',
      // 4 quarters: the API's default before issue 18.3, kept so that this row compares with earlier runs.
      query: { level: '2', baseline: '4' },
      reads: 'rollup'
    },
    {
      name: 'rising: groups (level 2), last complete quarter vs the default baseline (12 quarters)',
      path: 'rising',
      query: { level: '2' },
      reads: 'rollup'
    }
    // A quarter's regional publication is a write, once a quarter: timed by `bench:analysis -- publish`.
  ]
}

export const urlOf = (base: string, question: Question) =>
  `${base}/api/v1/analysis/${question.path}?${new URLSearchParams(question.query).toString()}`
