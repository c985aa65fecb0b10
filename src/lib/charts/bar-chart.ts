/**
 * Horizontal bar charts for the learning bulletin, laid out once and drawn twice: as SVG in the HTML page (no
 * script, no style attribute, so the strict CSP holds) and with PDFKit's own drawing in the PDF. Both renderers take
 * the same boxes, so the two documents show the same chart. A hidden value (the summary's `[c]`) has no bar: its
 * row says `[c]` instead, since a bar of any length would suggest a count.
 */

export type ChartValue = number | string

export type ChartInput = {
  title: string
  /** One name and colour per series (one series, or two for before/after). */
  series: readonly { name: string; colour: string }[]
  rows: readonly { label: string; values: readonly ChartValue[] }[]
}

export type Box = { x: number; y: number; width: number; height: number }

export type ChartLayout = {
  width: number
  height: number
  title: string
  legend: { name: string; colour: string; swatch: Box; textX: number; textY: number }[]
  rows: {
    label: string
    labelY: number
    bars: { series: number; colour: string; box: Box; text: string; textX: number; textY: number }[]
  }[]
}

export const CHART = {
  width: 640,
  labelWidth: 230,
  barArea: 340,
  barHeight: 14,
  gap: 10,
  top: 44,
  fontSize: 11
} as const

const LABEL_CHARS = 40
/** Long theme labels are cut to fit the label column (the full label is in the table beside the chart). */
const shorten = (label: string) => (label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label)

/** Sizes in points (PDF) or CSS pixels (SVG): the same numbers, drawn at the same proportions. */
export const layoutChart = (input: ChartInput): ChartLayout => {
  const numbers = input.rows.flatMap((row) => row.values.filter((value): value is number => typeof value === 'number'))
  const max = Math.max(1, ...numbers)
  const perRow = input.series.length * CHART.barHeight + CHART.gap
  let y = CHART.top
  const rows = input.rows.map((row) => {
    const labelY = y + (input.series.length * CHART.barHeight) / 2 + CHART.fontSize / 3
    const bars = row.values.map((value, series) => {
      const barY = y + series * CHART.barHeight
      const length = typeof value === 'number' ? Math.max(value > 0 ? 2 : 0, (value / max) * CHART.barArea) : 0
      const box = { x: CHART.labelWidth, y: barY + 1, width: Math.round(length * 10) / 10, height: CHART.barHeight - 2 }
      return {
        series,
        colour: input.series[series]?.colour ?? '#000000',
        box,
        text: String(value),
        textX: CHART.labelWidth + box.width + 6,
        textY: barY + CHART.barHeight - 3
      }
    })
    y += perRow
    return { label: shorten(row.label), labelY, bars }
  })
  const legend = input.series.map((entry, i) => ({
    ...entry,
    swatch: { x: CHART.labelWidth + i * 170, y: 22, width: 12, height: 12 },
    textX: CHART.labelWidth + i * 170 + 18,
    textY: 32
  }))
  return { width: CHART.width, height: Math.max(y + 4, CHART.top + 20), title: input.title, legend, rows }
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

/** The chart as an inline SVG element with a title for assistive technology (role="img", aria-labelledby). */
export const chartSvg = (layout: ChartLayout, id: string): string => {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${layout.width} ` +
      `${layout.height}" width="100%" font-family="Helvetica, Arial, sans-serif" font-size="${CHART.fontSize}">`,
    `<title id="${id}-title">${escapeXml(layout.title)}</title>`,
    // The same title shown, where the PDF prints it (the <title> above is for assistive technology only).
    `<text x="0" y="16" font-weight="bold" fill="#0b0c0c" aria-hidden="true">${escapeXml(layout.title)}</text>`
  ]
  for (const entry of layout.legend) {
    const { x, y, width, height } = entry.swatch
    parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${entry.colour}"/>`)
    parts.push(`<text x="${entry.textX}" y="${entry.textY}" fill="#0b0c0c">${escapeXml(entry.name)}</text>`)
  }
  for (const row of layout.rows) {
    parts.push(`<text x="${CHART.labelWidth - 8}" y="${row.labelY}" text-anchor="end" fill="#0b0c0c">${escapeXml(row.label)}</text>`)
    for (const bar of row.bars) {
      const { x, y, width, height } = bar.box
      if (width > 0) parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${bar.colour}"/>`)
      parts.push(`<text x="${bar.textX}" y="${bar.textY}" fill="#0b0c0c">${escapeXml(bar.text)}</text>`)
    }
  }
  parts.push('</svg>')
  return parts.join('')
}
