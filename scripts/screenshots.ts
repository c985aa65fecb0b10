// Takes the screenshots in docs/screenshots/ of the reporter form, its preview step, the receipt and the way back, with
// the real app on a throwaway embedded database and Debian's Chromium. Run: npm run screenshots
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/env.js'
import { flushHeldReports } from '../src/modules/reports/intake-batch.js'
import { createMessagesRepository } from '../src/modules/messages/messages.repository.js'
import { createMessagesService } from '../src/modules/messages/messages.service.js'
import { fillReport, launchChromium } from '../tests/helpers/browser.js'
import { coding } from '../tests/helpers/codings.js'
import { signInThroughConsole } from '../tests/helpers/console.js'
import { reportBody } from '../tests/helpers/reports.js'
import { createUser, signIn } from '../tests/helpers/users.js'

const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-screens-'))
let recoveryKey = ''
const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_INTAKE_PER_10MIN: '1000' }), {
  onRecoveryKey: (key) => {
    recoveryKey = key
  }
})
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
const out = (name: string) => new URL(`../docs/screenshots/${name}`, import.meta.url).pathname
const browser = await launchChromium()
try {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage()
  await page.goto(`${origin}/`)
  await page.screenshot({ path: out('form.png'), fullPage: true })
  await fillReport(
    page,
    'Mrs Okafor rang the Front Door about Jayden (7). The ICPC invite went to dad at 14 Elswick Road, NE4 6JL, ' +
      'even though there is a non-molestation order. Admin caught it on Monday because she knew the family.'
  )
  await page.click('#preview-button')
  await page.waitForSelector('#step-check:not([hidden])')
  await page.screenshot({ path: out('check.png'), fullPage: true })
  await page.click('#send-button')
  await page.waitForSelector('#step-done:not([hidden])')
  await page.screenshot({ path: out('receipt.png'), fullPage: true })

  // The way back: a reviewer's question (asked straight through the service, as the API would), then the page.
  const receipt = (await page.textContent('#receipt')) ?? ''
  const report = await app.db.prisma.report.findFirstOrThrow({ select: { id: true } })
  await createMessagesService({ repository: createMessagesRepository(app.db.prisma), keys: app.keys }).post(
    report.id,
    'question',
    'Thank you. Was the invite sent from a shared inbox, and had the order been recorded on the case file?'
  )
  await page.goto(`${origin}/receipt`)
  await page.fill('#receipt-input', receipt)
  await page.click('#lookup-button')
  await page.waitForSelector('#step-report:not([hidden])')
  await page.fill('#answer-input', 'Yes, the duty inbox. The order was only in a case note, not in the alerts.')
  await page.click('#answer-button')
  await page.waitForSelector('#messages li:nth-child(2)')
  await page.screenshot({ path: out('your-report.png'), fullPage: true })

  // The review console: a few more reports, two of them coded, then the queue, a coding and the lead's dashboard.
  const narratives = [
    'The contact note for a section 47 strategy discussion was saved to the sibling\'s record, not the child\'s.',
    'A weekend visit was missed because the out-of-hours rota had the wrong worker on it after a handover.',
    'The court bundle deadline was nearly missed: the legal planning tracker was not updated after the hearing.'
  ]
  for (const narrative of narratives) {
    await app.inject({ method: 'POST', url: '/api/v1/reports', payload: { ...reportBody(), narrative } })
  }
  // Reports wait for their batch (INTAKE_BATCH_SECONDS): move them now, as the schedule would, for the queue's picture.
  await flushHeldReports(app.db.prisma, 0)
  const coder = await createUser(app, { email: 'coder@example.org', recoveryKey })
  const coderSession = await signIn(app, coder)
  const reports = await app.db.prisma.report.findMany({ select: { id: true } })
  for (const { id } of reports.slice(1, 3)) {
    await app.inject({ method: 'POST', url: `/api/v1/reports/${id}/codings`, headers: coderSession.headers, payload: coding() })
  }
  // A few months of coded, closed reports for the lead's charts (a lead's figures leave out open reports they might
  // still code blind), with codes that vary from month to month.
  const themes = [
    ['TC.HO.02', 'PA.SL.01'], ['TC.HO.01', 'TC.HO.02'], ['PA.SL.01', 'TE.IT.01'], ['OR.RE.01', 'TC.HO.02'],
    ['PA.SL.03', 'TC.IS.01'], ['TE.IT.01', 'TE.IT.02', 'PA.SL.01'], ['SU.PL.01', 'OR.RE.01'], ['TC.HO.02', 'PC.CG.03']
  ]
  for (let i = 0; i < 24; i += 1) {
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - (i % 6), 1))
    await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { ...reportBody({ occurredMonth: month.toISOString().slice(0, 7) }), narrative: `${narratives[i % 3] as string} (${i})` }
    })
  }
  await flushHeldReports(app.db.prisma, 0)
  const older = await app.db.prisma.report.findMany({ select: { id: true }, where: { codings: { none: {} } } })
  for (const [i, { id }] of older.slice(4).entries()) {
    const codes = (themes[i % themes.length] as string[]).map((code) => ({ code, role: 'contributing' }))
    await app.inject({ method: 'POST', url: `/api/v1/reports/${id}/codings`, headers: coderSession.headers, payload: coding({ codes }) })
    await app.inject({ method: 'PATCH', url: `/api/v1/reports/${id}`, headers: coderSession.headers, payload: { status: 'closed' } })
  }
  const reviewer = await createUser(app, { email: 'reviewer@example.org', recoveryKey })
  const lead = await createUser(app, { email: 'lead@example.org', role: 'lead', recoveryKey })
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
  await desk.goto(`${origin}/console`)
  await signInThroughConsole(desk, reviewer)
  await desk.locator('table.queue tbody tr').first().waitFor()
  await desk.screenshot({ path: out('console-queue.png'), fullPage: true })
  await desk.getByRole('button', { name: /^Open/ }).first().click()
  await desk.locator('#narrative').waitFor()
  await desk.getByLabel('Search the taxonomy').fill('handover')
  await desk.getByRole('button', { name: 'Add TC.HO.02 as contributing' }).click()
  await desk.getByLabel('Event type').selectOption('information_misdirected')
  await desk.screenshot({ path: out('console-coding.png'), fullPage: true })
  await desk.getByRole('button', { name: 'Sign out' }).click()
  await desk.goto(`${origin}/console?view=dashboard&interval=quarter&level=2`)
  await signInThroughConsole(desk, lead)
  await desk.locator('#trends-table tbody tr').first().waitFor()
  await desk.waitForTimeout(300)
  await desk.screenshot({ path: out('console-dashboard.png'), fullPage: true })
} finally {
  await browser.close()
  await app.close()
  await rm(dataDir, { recursive: true, force: true })
}
process.stdout.write(
  'docs/screenshots/form.png, check.png, receipt.png, your-report.png, console-queue.png, console-coding.png, ' +
    'console-dashboard.png written\n'
)
