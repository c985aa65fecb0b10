import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { signedInUser } from '../helpers/users.js'

/**
 * The pandas and R examples of docs/summaries.md, run as written against a listening server holding three published
 * quarters: a doc example that no longer loads a year of summaries fails here. Each runs only where its language is
 * installed (Debian's python3-pandas, r-base-core), and says so when it is not.
 */

const run = promisify(execFile)
const DOC = new URL('../../docs/summaries.md', import.meta.url)

const blockOf = async (language: string) => {
  const found = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(await readFile(DOC, 'utf8'))
  if (!found?.[1]) throw new Error(`docs/summaries.md has no ${language} block`)
  return found[1]
}

/** The first command that works, or null. */
const firstWorking = async (candidates: string[][]) => {
  for (const [command, ...args] of candidates) {
    const ok = await run(command as string, args).then(() => true, () => false)
    if (ok) return command as string
  }
  return null
}

const python = await firstWorking([['/usr/bin/python3', '-c', 'import pandas'], ['python3', '-c', 'import pandas']])
const rscript = await firstWorking([['Rscript', '-e', 'invisible(0)']])

describe('docs/summaries.md examples', () => {
  let t: TestApp
  let env: Record<string, string>
  let dir: string
  let themeLabel: string

  beforeAll(async () => {
    if (!python && !rscript) return
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    const reviewer = await signedInUser(t.app, { email: 'coder.examples@example.org', recoveryKey: t.recoveryKey })
    const filed: string[] = []
    const quarters = [['2026-Q1', '2026-04-20'], ['2026-Q2', '2026-07-20'], ['2026-Q3', '2026-10-20']] as const
    for (const [index, [quarter, publishOn]] of quarters.entries()) {
      for (let i = 0; i < 12; i++) {
        const month = `2026-${String(index * 3 + 1 + (i % 3)).padStart(2, '0')}`
        expect((await postReport(t.app, reportBody({ occurredMonth: month }))).statusCode).toBe(201)
        const row = await t.app.db.prisma.report.findFirstOrThrow({
          where: { id: { notIn: filed } },
          select: { id: true }
        })
        filed.push(row.id)
        const coded = await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${row.id}/codings`,
          headers: reviewer.headers,
          payload: coding({ codes: [{ code: 'TC.HO.02', role: 'contributing' }] })
        })
        expect(coded.statusCode, coded.body).toBe(201)
      }
      expect(await summariesAt(t.app, t.config, publishOn).publish(quarter)).toMatchObject({ outcome: 'published' })
    }
    const taxonomy = await t.app.taxonomy.current()
    themeLabel = taxonomy.document.domains.flatMap((domain) => domain.groups).find((g) => g.code === 'TC.HO')?.label ?? ''
    const key = await createApiKey(t.app, 'north-east', 'examples')
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' })
    env = { PATH: process.env.PATH ?? '', CANDID_URL: address, CANDID_API_KEY: key }
    dir = await mkdtemp(path.join(tmpdir(), 'candid-examples-'))
  }, 180_000)
  afterAll(async () => {
    await t?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it.skipIf(!python)('the pandas example loads a year of summaries (skipped where no python3 has pandas)', async () => {
    const file = path.join(dir, 'example.py')
    await writeFile(file, await blockOf('python'))
    const { stdout } = await run(python as string, [file], { env, timeout: 60_000 })
    expect(stdout).toContain(themeLabel)
    for (const quarter of ['2026-Q1', '2026-Q2', '2026-Q3']) expect(stdout).toContain(quarter)
    expect(stdout).toMatch(new RegExp(`TC\\.HO\\s+${themeLabel}\\s+10\\s+10\\s+10\\n`))
  }, 90_000)

  it.skipIf(!rscript)('the R example loads a year of summaries (skipped where there is no Rscript)', async () => {
    const file = path.join(dir, 'example.R')
    await writeFile(file, await blockOf('r'))
    const { stdout } = await run(rscript as string, [file], { env, timeout: 60_000 })
    expect(stdout).toContain(themeLabel)
    for (const quarter of ['2026-Q1', '2026-Q2', '2026-Q3']) expect(stdout).toContain(quarter)
  }, 90_000)
})
