import type { ChartInput } from '../../lib/charts/bar-chart.js'
import type { TBulletinContent } from './bulletins.schemas.js'

/** The bulletin's two charts, as the HTML page and the PDF both draw them. */

/** GOV.UK blue: this quarter's counts (tests look for it in the PDF's rendered pages). */
export const THEME_COLOUR = '#1d70b8'
/** Dark grey for the previous quarter, orange for this one, in the rising-themes chart. */
export const PREVIOUS_COLOUR = '#505a5f'
export const RISING_COLOUR = '#f47738'

export const themesChart = (bulletin: TBulletinContent): ChartInput => ({
  title: `Themes of the reports about ${bulletin.quarter}, by published count`,
  series: [{ name: `Reports, ${bulletin.quarter}`, colour: THEME_COLOUR }],
  rows: bulletin.themes.map((theme) => ({ label: theme.label, values: [theme.count] }))
})

export const risingChart = (bulletin: TBulletinContent): ChartInput => ({
  title: `Themes whose published count rose from ${bulletin.rising.previousQuarter ?? ''} to ${bulletin.quarter}`,
  series: [
    { name: bulletin.rising.previousQuarter ?? 'Before', colour: PREVIOUS_COLOUR },
    { name: bulletin.quarter, colour: RISING_COLOUR }
  ],
  rows: bulletin.rising.themes.map((theme) => ({ label: theme.label, values: [theme.previous, theme.current] }))
})
