// Takes the screenshots in docs/screenshots/ of the reporter form, its preview step, the receipt and the way back, with
// the real app on a throwaway embedded database and Debian's Chromium. Run: npm run screenshots
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/env.js'
import { createMessagesRepository } from '../src/modules/messages/messages.repository.js'
import { createMessagesService } from '../src/modules/messages/messages.service.js'
import { fillReport, launchChromium } from '../tests/helpers/browser.js'

const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-screens-'))
const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), { onRecoveryKey: () => {} })
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
} finally {
  await browser.close()
  await app.close()
  await rm(dataDir, { recursive: true, force: true })
}
process.stdout.write('docs/screenshots/form.png, check.png, receipt.png, your-report.png written\n')
