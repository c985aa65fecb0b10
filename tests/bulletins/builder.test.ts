import { describe, expect, it } from 'vitest'
import { chartSvg, layoutChart } from '../../src/lib/charts/bar-chart.js'
import { buildBulletin, type BulletinInput } from '../../src/modules/bulletins/bulletins.builder.js'
import type { TSummary } from '../../src/modules/summaries/summaries.schemas.js'

/**
 * The bulletin's content from published summaries only (issue 13.3): national figures add published values (a
 * hidden one adds nothing and never turns into a 0), rising themes compare published numbers, and every excerpt is
 * redacted again. Pure: no database.
 */

const summary = (
  region: string,
  reports: { onTime: number | '[c]'; late: number | '[c]' } | null,
  groups: Record<string, number | '[c]'>,
  learningPoints: string[] = []
): TSummary => ({
  quarter: '2026-Q3',
  region,
  taxonomyVersion: 1,
  status: reports ? 'published' : 'withheld',
  disclosure: { suppressedBelow: 10, roundedTo: 5, marker: '[c]', note: 'Hidden cells are [c].' },
  reports,
  tables: reports
    ? [{
        cut: 'group',
        counts: 'reports with a code in the category',
        categories: Object.keys(groups),
        rows: [
          { row: 'on_time', values: Object.values(groups), total: '[c]' },
          { row: 'late', values: Object.keys(groups).map(() => '[c]' as const), total: '[c]' }
        ]
      }]
    : [],
  topThemes: [],
  learningPoints
})

const input = (overrides: Partial<BulletinInput>): BulletinInput => ({
  quarter: '2026-Q3',
  scope: 'national',
  regionName: (slug) => slug.toUpperCase(),
  summaries: [],
  previous: null,
  labels: new Map([['TC.HO', 'Handover'], ['PA.SL', 'Service letters']]),
  alerts: [],
  actions: [],
  ...overrides
})

describe('bulletin content', () => {
  it('adds published values nationally; a hidden value adds nothing and a withheld region counts no figure', () => {
    const content = buildBulletin(input({
      summaries: [
        summary('london', { onTime: 20, late: '[c]' }, { 'TC.HO': 15, 'PA.SL': '[c]' }),
        summary('east', { onTime: 10, late: 0 }, { 'TC.HO': '[c]', 'PA.SL': '[c]' }),
        summary('north-east', null, {})
      ]
    }))
    expect(content.headline).toEqual({ status: 'published', reportsOnTime: 30, reportsLate: '[c]' })
    // TC.HO: 15 + hidden = 15 (a lower bound, as the note says); PA.SL: only hidden values, so hidden, not 0.
    expect(content.themes).toEqual([{ code: 'TC.HO', label: 'Handover', count: 15 }])
    expect(content.disclosure.note).toContain('a national figure may be lower than the true one')
  })

  it('finds rising themes from published numbers only, never from a hidden value', () => {
    const content = buildBulletin(input({
      scope: 'london',
      summaries: [summary('london', { onTime: 40, late: 0 }, { 'TC.HO': 25, 'PA.SL': 20 })],
      previous: { quarter: '2026-Q2', summaries: [summary('london', { onTime: 30, late: 0 }, { 'TC.HO': 10, 'PA.SL': '[c]' })] }
    }))
    expect(content.title).toBe('Learning bulletin 2026-Q3: LONDON')
    expect(content.rising).toEqual({
      previousQuarter: '2026-Q2',
      themes: [{ code: 'TC.HO', label: 'Handover', previous: 10, current: 25 }]
    })
  })

  it('runs every excerpt through the redaction again', () => {
    const content = buildBulletin(input({
      summaries: [summary('london', { onTime: 20, late: 0 }, {}, ['Write to jo.bloggs@example.org before the meeting.'])],
      alerts: [{ hazard: 'Calls to 07700 900123 go unanswered.', step: 'Check.', themes: ['TC'], issuedOn: '2026-08-01' }],
      actions: [{ description: 'Ask jo.bloggs@example.org.', owner: 'Front door', themes: [], outcome: 'Done.', completedOn: '2026-08-02' }]
    }))
    const text = JSON.stringify(content)
    expect(text).not.toContain('jo.bloggs@example.org')
    expect(text).not.toContain('07700 900123')
    expect(content.learningPoints[0]?.text).toMatch(/^Write to \[.+\] before the meeting\.$/)
  })

  it('draws a hidden value as [c] with no bar, in the chart as in its table', () => {
    const layout = layoutChart({
      title: 'Themes',
      series: [{ name: 'Reports', colour: '#1d70b8' }],
      rows: [{ label: 'Handover', values: [20] }, { label: 'Hidden', values: ['[c]'] }]
    })
    expect(layout.rows[0]?.bars[0]?.box.width).toBeGreaterThan(0)
    expect(layout.rows[1]?.bars[0]?.box.width).toBe(0)
    const svg = chartSvg(layout, 'c')
    expect(svg.match(/<rect [^>]*fill="#1d70b8"/g)).toHaveLength(2)
    expect(svg).toContain('>[c]</text>')
    expect(svg).not.toMatch(/style=|<script/)
  })
})
