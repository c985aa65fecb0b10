// How long the lead's dashboard takes from the API's answers to its charts and tables drawn, in Chromium, with the
// answers a national scheme's year of 1M coded reports gives (issue 12: < 500 ms). The console is the real bundle,
// served by the real app (its CSP and all) on a throwaway embedded database; only the API calls are answered here,
// with answers of the API's own shape, so the figure is the browser's work alone, not the database's (that is
// bench/analysis). The console marks when each answer arrived and when its chart was drawn (User Timing,
// web/console/src/Dashboard.tsx). Run: npm run build:console && npm run bench:console [-- --runs 10]
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { Page, Route } from 'playwright-core'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/env.js'
import { launchChromium } from '../tests/helpers/browser.js'
import { CODES_PER_CODING, LEAVES_BY_RANK, RISING, ZIPF_EXPONENT } from './analysis/shape.js'
import { machine } from './lib/report.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, reports: { type: 'string', default: '1000000' } } })
const RUNS = Number(values.runs)
const REPORTS = Number(values.reports)

// ---- The answers: counts a year of REPORTS coded reports gives, by the weights bench/analysis seeds with. ----

const MEAN_CODES =
  CODES_PER_CODING.reduce((sum, [n, w]) => sum + n * w, 0) / CODES_PER_CODING.reduce((s, [, w]) => s + w, 0)
const weights = LEAVES_BY_RANK.map((_, rank) => 1 / (rank + 1) ** ZIPF_EXPONENT)
const totalWeight = weights.reduce((a, b) => a + b, 0)
/** Chance that a report carries a leaf: its share of the codes given, times the codes per report. */
const leafChance = new Map<string, number>(
  LEAVES_BY_RANK.map((code, i) => [code, Math.min(1, (MEAN_CODES * (weights[i] as number)) / totalWeight)])
)
const parentOf = (code: string, level: number) => code.split('.').slice(0, level).join('.')

type Period = { period: string; reports: number }
const periodsOf = (months: string[], interval: 'month' | 'quarter', perMonth: number[]): Period[] => {
  if (interval === 'month') {
    return months.map((period, i) => ({ period, reports: perMonth[i] as number }))
  }
  const quarters = new Map<string, number>()
  months.forEach((month, i) => {
    const key = `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5)) / 3)}`
    quarters.set(key, (quarters.get(key) ?? 0) + (perMonth[i] as number))
  })
  return [...quarters].map(([period, reports]) => ({ period, reports }))
}

const trendsAnswer = (months: string[], perMonth: number[], interval: 'month' | 'quarter', level: number) => {
  const keys = [...new Set(LEAVES_BY_RANK.map((code) => parentOf(code, level)))].sort()
  const chance = (key: string) => {
    // A group or domain is on a report when any of its leaves is: 1 − Π(1 − p).
    const miss = LEAVES_BY_RANK.filter((code) => parentOf(code, level) === key)
      .reduce((product, code) => product * (1 - (leafChance.get(code) ?? 0)), 1)
    return 1 - miss
  }
  return {
    from: months[0],
    to: months.at(-1),
    interval,
    groupBy: 'code',
    level,
    role: 'any',
    filters: {},
    labels: Object.fromEntries(keys.map((key) => [key, `Theme ${key}`])),
    periods: periodsOf(months, interval, perMonth).map(({ period, reports }, p) => ({
      period,
      reports,
      groups: keys.map((key) => {
        const rising = RISING.find((r) => parentOf(r.code, level) === key) && p >= perMonth.length - 6 ? 1.5 : 1
        const count = Math.round(reports * Math.min(1, chance(key) * rising))
        return { key, count, share: reports ? count / reports : null }
      })
    }))
  }
}

const cooccurrenceAnswer = (reports: number, level: number, limit: number) => {
  const keys = [...new Set(LEAVES_BY_RANK.map((code) => parentOf(code, level)))]
  const count = (key: string) => Math.round(reports * (leafChance.get(key) ?? 0.05))
  const pairs = keys.flatMap((a, i) => keys.slice(i + 1).map((b) => {
    const countA = count(a)
    const countB = count(b)
    // Siblings (same group) occur together about twice as often as chance; others a little less.
    const lift = parentOf(a, 2) === parentOf(b, 2) ? 2.1 : 0.9
    const both = Math.round((countA * countB * lift) / reports)
    const lifted = (both * reports) / (countA * countB)
    return { a: a < b ? a : b, b: a < b ? b : a, count: both, countA, countB, lift: lifted }
  }))
  pairs.sort((x, y) => y.count - x.count)
  return { from: '', to: '', level, reports, method: 'generated', pairs: pairs.slice(0, limit) }
}

const year = (() => {
  const now = new Date()
  const months: string[] = []
  for (let back = 12; back >= 1; back -= 1) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
    months.push(d.toISOString().slice(0, 7))
  }
  // ±20% seasonal volume (high in February, low in August), summing to REPORTS.
  const raw = months.map((m) => 1 + 0.2 * Math.cos(((Number(m.slice(5)) - 2) / 12) * 2 * Math.PI))
  const sum = raw.reduce((a, b) => a + b, 0)
  return { months, perMonth: raw.map((r) => Math.round((REPORTS * r) / sum)) }
})()

const risingAnswer = {
  test: 'one-sided Fisher exact test, Benjamini–Hochberg',
  period: year.months.at(-1),
  baselineFrom: year.months.at(-5),
  baselineTo: year.months.at(-2),
  reports: year.perMonth.at(-1),
  baselineReports: year.perMonth.slice(-5, -1).reduce((a, b) => a + b, 0),
  tested: 58,
  rising: RISING.map((r) => ({
    code: r.code, label: `Theme ${r.code}`, count: 4000, share: 0.048, baselineShare: 0.02, pValue: 1e-12, qValue: 1e-11
  }))
}
const agreementAnswer = {
  doubleCodedReports: Math.round(REPORTS * 0.2),
  codedReports: REPORTS,
  overall: { kappa: 0.71 },
  codes: LEAVES_BY_RANK.map((code, i) => ({
    code, kappa: 0.5 + (i % 5) / 10, both: 1000, firstOnly: 200, secondOnly: 180
  }))
}

// ---- The browser. ----

const answer = (route: Route) => {
  const url = new URL(route.request().url())
  const q = url.searchParams
  const json = (body: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) })
  switch (url.pathname) {
    case '/api/v1/auth/session':
      return json({ email: 'lead@example.org', role: 'lead', canUnseal: false, csrfToken: 'bench-token-not-used' })
    case '/api/v1/analysis/trends':
      return json(trendsAnswer(year.months, year.perMonth, q.get('interval') === 'quarter' ? 'quarter' : 'month', Number(q.get('level') ?? 1)))
    case '/api/v1/analysis/cooccurrence':
      return json(cooccurrenceAnswer(REPORTS, Number(q.get('level') ?? 3), Number(q.get('limit') ?? 50)))
    case '/api/v1/analysis/rising':
      return json(risingAnswer)
    case '/api/v1/analysis/agreement':
      return json(agreementAnswer)
    default:
      return route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"NOT_FOUND","message":"bench"}' })
  }
}

const CHARTS = ['trends', 'domains', 'heatmap'] as const

/** One load of the dashboard: per chart, answer → drawn; all: first answer → last chart drawn → next frame painted. */
/**
 * The analysis answers are held until all four are asked for and the page is idle, then let go together, so the
 * renderer process's CPU time (CDP Performance.getMetrics ProcessTime, in 10 ms steps) from then until the frame
 * after the charts is the work of drawing alone — a figure the machine's load moves far less than wall-clock time.
 */
let held: (() => void)[] = []
const hold = (route: Route) => {
  if (new URL(route.request().url()).pathname.startsWith('/api/v1/analysis/')) {
    return new Promise<void>((resolve) => held.push(() => resolve(answer(route))))
  }
  return answer(route)
}

const rendererCpu = async (page: Page) => {
  const session = await page.context().newCDPSession(page)
  await session.send('Performance.enable')
  const { metrics } = await session.send('Performance.getMetrics')
  await session.detach()
  const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000
  return value('ProcessTime')
}

const measure = async (page: Page, address: string) => {
  held = []
  await page.goto(address)
  while (held.length < 4) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  const before = await rendererCpu(page)
  for (const release of held) {
    release()
  }
  await page.waitForFunction(
    (names) => names.every((name) => performance.getEntriesByName(`candid:drawn:${name}`).length > 0),
    [...CHARTS],
    { timeout: 60_000 }
  )
  const timings = await page.evaluate(async (names) => {
    const at = (name: string) => performance.getEntriesByName(name).at(-1)?.startTime ?? Number.NaN
    const firstAnswer = Math.min(...names.map((n) => at(`candid:answer:${n}`)))
    const lastDrawn = Math.max(...names.map((n) => at(`candid:drawn:${n}`)))
    // The frame after the last chart: the tables and canvases are on screen.
    const frame = (globalThis as unknown as { requestAnimationFrame: (next: () => void) => void }).requestAnimationFrame
    await new Promise((resolve) => frame(() => setTimeout(resolve, 0)))
    return {
      perChart: Object.fromEntries(names.map((n) => [n, at(`candid:drawn:${n}`) - at(`candid:answer:${n}`)])),
      drawn: lastDrawn - firstAnswer,
      painted: performance.now() - firstAnswer
    }
  }, [...CHARTS])
  const after = await rendererCpu(page)
  return { ...timings, cpu: after - before }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'candid-bench-console-'))
const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), { onRecoveryKey: () => {} })
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
const browser = await launchChromium()
const cases = [
  { name: 'a year by month, leaf codes (58 lines), domains stacked, 30 pairs', query: 'interval=month&level=3' },
  { name: 'a year by quarter, groups, domains stacked, 30 pairs', query: 'interval=quarter&level=2' }
]
const rows: string[] = []
const version = browser.version()
try {
  for (const { name, query } of cases) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } })
      // tsx names inner functions through a __name helper that the page lacks; this gives it one (an init script
      // is the browser's own, so the CSP, which stays on, does not apply to it).
      await context.addInitScript('globalThis.__name = (f) => f')
      const page = await context.newPage()
      await page.route(`${origin}/api/v1/**`, hold)
      const address = `${origin}/console?view=dashboard&${query}&from=${year.months[0]}&to=${year.months.at(-1)}`
      await measure(page, address) // warm-up: the bundle compiled and cached
      const results: Awaited<ReturnType<typeof measure>>[] = []
      for (let run = 0; run < RUNS; run += 1) {
        results.push(await measure(page, address))
      }
      await context.close()
      const fmt = (xs: number[]) => `${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)}`
      rows.push(`| ${name} | ${width} px | ${CHARTS.map((c) => fmt(results.map((r) => r.perChart[c] as number))).join(' | ')} | ` +
        `${fmt(results.map((r) => r.drawn))} | ${fmt(results.map((r) => r.painted))} | ${fmt(results.map((r) => r.cpu))} |`)
    }
  }
} finally {
  await browser.close()
  await app.close()
  await rm(dataDir, { recursive: true, force: true })
}
process.stdout.write(
  `\nconsole charts — ${new Date().toISOString()}, ${REPORTS} reports, ${RUNS} runs after a warm-up, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n` +
  `${machine()}, Chromium ${version}\n\n` +
  '| answers | viewport | lines ms (median / max) | stacked domains ms | heat map ms | all drawn ms | painted ms | renderer CPU ms |\n' +
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
  `${rows.join('\n')}\n`
)
