// npm run bench:analysis -- <seed | run | explain | publish | write> [options]: the analysis bench at national scale.
//   seed     N synthetic coded reports into DATABASE_URL, then the analysis record (seed.ts)
//   run      the lead's questions over HTTP against the built server on that database (run.ts; npm run build first)
//   explain  EXPLAIN (ANALYZE, BUFFERS) of the SQL behind each question (explain.ts)
//   publish  a quarter's regional publication, timed in steady state (publish.ts)
//   write    a coding's write with every rollup, timed (write.ts)
const commands = { seed: './seed.js', run: './run.js', explain: './explain.js', publish: './publish.js', write: './write.js' } as const
const [, , command] = process.argv
if (!command || !(command in commands)) {
  process.stderr.write('usage: npm run bench:analysis -- <seed | run | explain | publish | write> [options]\n')
  process.exit(2)
}
process.argv.splice(2, 1)
await import(commands[command as keyof typeof commands])
