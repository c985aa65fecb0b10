/**
 * Validation of the rising-themes test on simulated series (issue 18.3): false-alarm rate on overdispersed series
 * with no change, and power on series with a real rise, for today's pooled Fisher test and the quasi-Poisson
 * baseline model the service now uses (src/lib/stats/rising.ts). Seeded: the same command prints the same figures.
 *
 *   npm run bench:rising [-- --runs 10000 --seed 18]
 *
 * One theme per series, tested at alpha = 0.05 with no multiplicity adjustment (a family of one), so the rates are
 * the per-theme rates the BH step starts from.
 */
import { parseArgs } from 'node:util'
import { type Scenario, below, calibratedCut, pValues, rates } from './rising/simulate.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '18' } } })
const runs = Number(values.runs)
const seed = Number(values.seed)
const alpha = 0.05
const print = (line: string) => process.stdout.write(`${line}\n`)

const quarter = { periodsPerYear: 4, reports: 120, reportsSize: 20, share: 0.1, size: 10, rise: 1 }
const month = { periodsPerYear: 12, reports: 40, reportsSize: 20, share: 0.1, size: 10, rise: 1 }

export const NULLS: Scenario[] = [
  { ...quarter, name: 'quarters, baseline 4 (API default), binomial: no overdispersion', baseline: 4, size: Infinity },
  { ...quarter, name: 'quarters, baseline 4, NB size 10 (φ ≈ 2.2)', baseline: 4 },
  { ...quarter, name: 'quarters, baseline 4, NB size 5 (φ ≈ 3.4)', baseline: 4, size: 5 },
  { ...quarter, name: 'quarters, baseline 8, NB size 10', baseline: 8 },
  { ...quarter, name: 'quarters, baseline 12, NB size 10 (trend considered)', baseline: 12 },
  { ...month, name: 'months, baseline 12, NB size 10 (φ ≈ 1.4)', baseline: 12 },
  { ...month, name: 'months, baseline 24, NB size 10, seasonal ±30%', baseline: 24, season: 0.3 }
]

const RISES = [1.5, 2, 3]
const POWER_BASES = [NULLS[1], NULLS[4], NULLS[6]] as Scenario[]

const pct = (x: number) => `${(100 * x).toFixed(1)}%`
// Two Monte Carlo standard errors of a rate near alpha.
const mc = 2 * Math.sqrt((alpha * (1 - alpha)) / runs)

print(`runs per scenario: ${runs}; seed ${seed}; alpha ${alpha} (one-sided, one theme); ` +
  `Monte Carlo ±${pct(mc)} (2 SE) at ${pct(alpha)}\n`)
print('False alarms (no change): share of series flagged\n')
print('| scenario | pooled Fisher (today) | Fisher ÷ nominal | quasi-Poisson (new) | exact fallbacks |')
print('| --- | ---: | ---: | ---: | ---: |')
NULLS.forEach((scenario, i) => {
  const r = rates(scenario, runs, seed + i, alpha)
  print(`| ${scenario.name} | ${pct(r.fisher)} | ${(r.fisher / alpha).toFixed(1)}× | ${pct(r.overdispersed)} | ` +
    `${r.exactFallbacks} |`)
})
print('\nPower (the tested period\'s share × rise): share of series flagged. "Fisher at 5% false alarms" is ' +
  'today\'s test with its cut-off lowered until it flags 5% of the same scenario\'s null series: a like-for-like ' +
  'comparison no user could make (it needs the true null)\n')
print('| scenario | rise | pooled Fisher (today) | quasi-Poisson (new) | new ÷ today | Fisher at 5% false alarms |')
print('| --- | ---: | ---: | ---: | ---: | ---: |')
POWER_BASES.forEach((base, i) => {
  const cut = calibratedCut(pValues(base, runs, seed + 50 + i, alpha).fisher, alpha)
  RISES.forEach((rise, j) => {
    const p = pValues({ ...base, rise }, runs, seed + 100 + 10 * i + j, alpha)
    const fisher = below(p.fisher, alpha)
    const overdispersed = below(p.overdispersed, alpha)
    print(`| ${base.name} | ×${rise} | ${pct(fisher)} | ${pct(overdispersed)} | ` +
      `${(overdispersed / fisher).toFixed(2)} | ${pct(below(p.fisher, cut))} |`)
  })
})
