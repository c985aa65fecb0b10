// Redaction accuracy and speed: scores the pipeline on every labelled set (leak rate per type, keep rate; as
// ../shared/eval/README.md defines them) and times it against compromise's people() alone on the same UK
// narratives. Run: npm run bench:redaction
import nlp from 'compromise'
import { redact } from '../../src/lib/redaction/index.js'
import { loadCorpora, STRUCTURED_TYPES } from '../../tests/redaction/corpora.js'
import { groupRecall, score } from '../../tests/redaction/score.js'
import { machine } from '../lib/report.js'

const out = (line = '') => process.stdout.write(`${line}\n`)
const fixed = (n: number) => n.toFixed(3)

const corpora = loadCorpora()
out(`# Redaction — ${new Date().toISOString()}`)
out(machine())
for (const [name, samples] of Object.entries(corpora)) {
  const result = score(
    samples,
    samples.map((sample) => redact(sample.text).redacted)
  )
  out(`\n## ${name}: ${samples.length} texts, ${result.overall.total} identifiers, ${result.keep.total} keep strings\n`)
  out('| type | identifiers | leaked | recall |')
  out('| --- | ---: | ---: | ---: |')
  for (const [type, entry] of Object.entries(result.byType).sort(([a], [b]) => a.localeCompare(b))) {
    out(`| ${type} | ${entry.total} | ${entry.leaked} | ${fixed(entry.recall)} |`)
  }
  const structured = groupRecall(result, STRUCTURED_TYPES)
  out(`| **structured (${STRUCTURED_TYPES.length} types)** | ${structured.total} | ${structured.leaked} | **${fixed(structured.recall)}** |`)
  out(`| **all** | ${result.overall.total} | ${result.overall.leaked} | **${fixed(result.overall.recall)}** |`)
  out(`\nkeep rate: **${fixed(result.keep.rate)}** (${result.keep.kept}/${result.keep.total})`)
  if (process.argv.includes('--leaks')) {
    for (const leak of result.leaks) {
      out(`- leaked ${leak.type} ${JSON.stringify(leak.value)} (${leak.id})`)
    }
    for (const drop of result.dropped) {
      out(`- dropped ${JSON.stringify(drop.keep)} (${drop.id})`)
    }
  }
}

// Speed: the same UK narratives through the whole pipeline and through compromise's people() alone.
const texts = Object.entries(corpora)
  .filter(([name]) => name.startsWith('uk-'))
  .flatMap(([, samples]) => samples.map((sample) => sample.text))
const characters = texts.reduce((n, text) => n + text.length, 0)
const timeAll = (work: (text: string) => unknown) => {
  for (const text of texts.slice(0, 50)) {
    work(text)
  }
  const started = performance.now()
  for (let round = 0; round < 3; round++) {
    for (const text of texts) {
      work(text)
    }
  }
  return (performance.now() - started) / 3
}
const pipelineMs = timeAll((text) => redact(text))
const compromiseMs = timeAll((text) => nlp(text).people().out('array'))
const per1200 = (ms: number) => ((ms / characters) * 1200).toFixed(2)
out(`\n## Speed on ${texts.length} UK narratives (${characters} characters)\n`)
out('| | total ms | ms per 1,200 characters |')
out('| --- | ---: | ---: |')
out(`| whole pipeline (all recognisers) | ${pipelineMs.toFixed(0)} | ${per1200(pipelineMs)} |`)
out(`| compromise people() alone | ${compromiseMs.toFixed(0)} | ${per1200(compromiseMs)} |`)
out(`\npipeline is **${(compromiseMs / pipelineMs).toFixed(1)}×** faster than compromise people() alone`)

// A 2 KB narrative, as the preview sees it.
let twoKb = ''
for (let i = 0; twoKb.length < 2048; i++) {
  twoKb += `${texts[i % texts.length]} `
}
const timings: number[] = []
for (let i = 0; i < 1000; i++) {
  const started = performance.now()
  redact(twoKb)
  timings.push(performance.now() - started)
}
timings.sort((a, b) => a - b)
out(`\n2 KB narrative (${twoKb.length} characters), 1,000 runs: p50 ${timings[500]?.toFixed(2)} ms, p99 ${timings[990]?.toFixed(2)} ms`)
