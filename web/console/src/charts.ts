// Chart.js draws on a canvas and sets sizes through the CSSOM, which the strict CSP allows; only the parts the
// dashboard uses are registered, so the bundle stays small.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
} from 'chart.js'

Chart.register(
  BarController, BarElement, LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend
)

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']

export type Series = { label: string; values: (number | null)[]; counts: number[] }

/** Above this many lines a legend is a wall of swatches nobody can match to lines: the table beside names them. */
export const LEGEND_LIMIT = 12

export const drawLines = (canvas: HTMLCanvasElement, periods: string[], series: Series[]) =>
  new Chart(canvas, {
    type: 'line',
    data: {
      labels: periods,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)),
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: i >= COLOURS.length ? [6, 3] : []
      }))
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'Share of coded reports (%)' } } },
      plugins: {
        legend: { display: series.length <= LEGEND_LIMIT },
        tooltip: {
          callbacks: {
            // Counts on hover, beside the share.
            label: (item) => {
              const count = series[item.datasetIndex]?.counts[item.dataIndex] ?? 0
              return `${item.dataset.label}: ${item.formattedValue}% (${count} report${count === 1 ? '' : 's'})`
            }
          }
        }
      }
    }
  })

/**
 * Stacked bars: each period's bar is split into the series' shares (of 100 %), with counts on hover. The values are
 * shares (0–1) as for the lines.
 */
export const drawStacked = (canvas: HTMLCanvasElement, periods: string[], series: Series[], axis: string) =>
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: periods,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)),
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: '#ffffff',
        borderWidth: 1
      }))
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: true },
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, max: 100, title: { display: true, text: axis } }
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const count = series[item.datasetIndex]?.counts[item.dataIndex] ?? 0
              return `${item.dataset.label}: ${item.formattedValue}% (${count} report${count === 1 ? '' : 's'})`
            }
          }
        }
      }
    }
  })

/**
 * A heat-map cell's colours for a lift: lift 1 (or below) white, lift 4 and above deep blue; the text is black or
 * white, whichever contrasts more (WCAG relative luminance), so every cell passes AA.
 */
export const heatColours = (lift: number) => {
  const strength = Math.min(1, Math.max(0, (lift - 1) / 3))
  const rgb = [255 - 226 * strength, 255 - 176 * strength, 255 - 110 * strength].map(Math.round)
  const [r = 255, g = 255, b = 255] = rgb
  const channel = (c: number) => {
    const v = c / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
  return { background: `rgb(${rgb.join(', ')})`, text: luminance > 0.179 ? '#0b0c0c' : '#ffffff' }
}

/** A CSV file of a table, offered as a download through a Blob URL (nothing leaves the browser). */
export const downloadCsv = (name: string, rows: (string | number)[][]) => {
  const quote = (cell: string | number) => {
    const text = String(cell)
    // A leading =, +, - or @ would be a formula in a spreadsheet.
    const safe = typeof cell === 'string' && /^[=+\-@]/.test(text) ? `'${text}` : text
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  const blob = new Blob([rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
