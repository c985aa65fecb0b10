/**
 * Validation of the rising-themes test on simulated series (issue 18.3): false-alarm rate on overdispersed series
 * with no change, and power on series with a real rise, for today's pooled Fisher test and the quasi-Poisson
 * baseline model the service uses (src/lib/stats/rising.ts). Seeded: the same command prints the same figures.
 *
 *   npm run bench:rising [-- --runs 10000 --seed 18]
 *
 * Each run is one request: the theme under study plus eleven others of the same level over the same coded reports
 * (shares 2–25%, NB sizes 5, 10, 20 and Poisson in turn), as the service tests them together. Every test is at
 * alpha = 0.05 one-sided with no multiplicity adjustment, so the rates are the per-theme rates the BH step starts
 * from.
 */
import { parseArgs } from 'node:util'
import {
  type RequestScenario,
  type ThemeSpec,
  below,
  calibratedCut,
  neymanPearsonPower,
  requestPValues
} from './rising/simulate.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '18' } } })
const runs = Number(values.runs)
const seed = Number(values.seed)
const alpha = 0.05
const print = (line: string) => process.stdout.write(`${line}\n`)

/** The other themes of a request: rare to common, with differing dispersions. */
const OTHERS: ThemeSpec[] = [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25]
  .map((share, i) => ({ share, size: [5, 10, 20, Infinity][i % 4]! }))
const request = (size: number, others = OTHERS) => [{ share: 0.1, size }, ...others]
const quarter = { periodsPerYear: 4, reports: 120, reportsSize: 20, rise: 1 }
const month = { periodsPerYear: 12, reports: 40, reportsSize: 20, rise: 1 }

export const NULLS: RequestScenario[] = [
  {
    ...quarter,
    name: 'quarters, baseline 4 (old default), binomial: no overdispersion in any theme',
    baseline: 4,
    themes: request(Infinity, OTHERS.map((o) => ({ ...o, size: Infinity })))
  },
  { ...quarter, name: 'quarters, baseline 4, NB size 10 (φ ≈ 2.2)', baseline: 4, themes: request(10) },
  { ...quarter, name: 'quarters, baseline 4, NB size 5 (φ ≈ 3.4)', baseline: 4, themes: request(5) },
  { ...quarter, name: 'quarters, baseline 8, NB size 10', baseline: 8, themes: request(10) },
  { ...quarter, name: 'quarters, baseline 8, NB size 5', baseline: 8, themes: request(5) },
  { ...quarter, name: 'quarters, baseline 8, NB size 2 (φ ≈ 7)', baseline: 8, themes: request(2) },
  { ...quarter, name: 'quarters, baseline 12 (new default; trend considered), NB size 10', baseline: 12, themes: request(10) },
  { ...quarter, name: 'quarters, baseline 12, NB size 5', baseline: 12, themes: request(5) },
  { ...month, name: 'months, baseline 12, NB size 10 (φ ≈ 1.4)', baseline: 12, themes: request(10) },
  {
    ...month,
    name: 'months, baseline 24 (new default), NB size 10, seasonal ±30%',
    baseline: 24,
    season: 0.3,
    themes: request(10)
  }
]

const RISES = [1.5, 2, 3]
const POWER_BASES = [NULLS[1], NULLS[3], NULLS[6], NULLS[9]] as RequestScenario[]

const pct = (x: number) => `${(100 * x).toFixed(1)}%`
// Two Monte Carlo standard errors of a rate near alpha.
const mc = 2 * Math.sqrt((alpha * (1 - alpha)) / runs)

print(`runs (requests) per scenario: ${runs}; seed ${seed}; alpha ${alpha} (one-sided, per theme); ` +
  `Monte Carlo ±${pct(mc)} (2 SE) at ${pct(alpha)} for the theme under study\n`)
print('False alarms (no change): share of series flagged. The theme under study (share 10%, the NB size named) ' +
  'under each test; then, for the moderated test (not kept), the mean over all twelve themes and the worst theme\n')
print('| scenario | pooled Fisher (today) | Fisher ÷ nominal | quasi-Poisson before (t on residual df) | ' +
  'quasi-Poisson now (effective df) | now, worst of 12 themes | moderated: this theme | moderated: all themes | ' +
  'moderated: worst theme | moderated: mean d0 |')
print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
NULLS.forEach((scenario, i) => {
  const p = requestPValues(scenario, runs, seed + i, alpha)
  const k = scenario.themes.length
  const theme = (values: number[], j: number) => values.filter((_, n) => n % k === j)
  const worst = (values: number[]) => Math.max(...scenario.themes.map((_, j) => below(theme(values, j), alpha)))
  const d0 = p.priorDf.reduce((s, v) => s + v, 0) / p.priorDf.length
  print(`| ${scenario.name} | ${pct(below(theme(p.fisher, 0), alpha))} | ` +
    `${(below(theme(p.fisher, 0), alpha) / alpha).toFixed(1)}× | ${pct(below(theme(p.previous, 0), alpha))} | ` +
    `${pct(below(theme(p.own, 0), alpha))} | ${pct(worst(p.own))} | ${pct(below(theme(p.moderated, 0), alpha))} | ` +
    `${pct(below(p.moderated, alpha))} | ${pct(worst(p.moderated))} | ${d0.toFixed(0)} |`)
})
print('\nPower (the theme under study\'s share × rise): share of series flagged. "Fisher at 5% false alarms" is ' +
  'today\'s test with its cut-off lowered until it flags 5% of the same scenario\'s null series: a like-for-like ' +
  'comparison no user could make (it needs the true null). "Most powerful test" is the Neyman–Pearson test that ' +
  'knows the true share, dispersion and rise: the upper bound of any test\'s power at 5% false alarms\n')
print('| scenario | rise | pooled Fisher (today) | quasi-Poisson now | now ÷ today | Fisher at 5% false alarms | ' +
  'that ÷ today | most powerful test | that ÷ today | quasi-Poisson before | moderated (not kept) |')
print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
POWER_BASES.forEach((base, i) => {
  const cut = calibratedCut(requestPValues(base, runs, seed + 50 + i, alpha, true).fisher, alpha)
  RISES.forEach((rise, j) => {
    const p = requestPValues({ ...base, rise }, runs, seed + 100 + 10 * i + j, alpha, true)
    const fisher = below(p.fisher, alpha)
    const own = below(p.own, alpha)
    const oracle = below(p.fisher, cut)
    const bound = neymanPearsonPower({ ...base, rise }, 2 * runs, seed + 200 + 10 * i + j, alpha)
    print(`| ${base.name} | ×${rise} | ${pct(fisher)} | ${pct(own)} | ${(own / fisher).toFixed(2)} | ${pct(oracle)} | ` +
      `${(oracle / fisher).toFixed(2)} | ${pct(bound)} | ${(bound / fisher).toFixed(2)} | ${pct(below(p.previous, alpha))} | ${pct(below(p.moderated, alpha))} |`)
  })
})
