// Chart.js draws on a canvas and sets sizes through the CSSOM, which the strict CSP allows; only the parts the
// dashboard uses are registered, so the bundle stays small.
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
} from 'chart.js'

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend)

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']

export type Series = { label: string; values: (number | null)[]; counts: number[] }

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
