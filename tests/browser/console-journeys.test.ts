import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, launchChromium } from '../helpers/browser.js'
import { axeViolations } from '../helpers/console.js'
import { chooseByKeyboard, pressKey, typeInto } from '../helpers/keyboard.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type TestUser } from '../helpers/users.js'

/**
 * Whole journeys through the console in real Chromium, by keyboard alone (Tab, Enter, Space, arrows, typing: see
 * tests/helpers/keyboard.ts) on a 390 px wide phone screen: two reviewers code a report blind; a question asked
 * in the console is answered on the reporter's receipt page and read back in the console; a duplicate is merged
 * after a confirmation; the lead's dashboard shows the coded themes as charts and tables. axe-core (WCAG 2.2 AA)
 * on every console page visited, and no sideways scrolling on any of them.
 */
const NARRATIVE = 'The core group minutes were emailed to the wrong school after the duty handover note went unread.'
const DUPLICATE = 'Core group minutes for a child went to the wrong school; the handover note had not been read.'
const QUESTION = 'Were the minutes sent from the shared duty inbox?'
const ANSWER = 'Yes, from the duty inbox, on the Friday afternoon.'
const PHONE = { width: 390, height: 844 }

describe.skipIf(!hasChromium())('console journeys by keyboard at 390 px', () => {
  let t: TestApp
  let browser: Browser
  let origin: string
  let rita: TestUser
  let ravi: TestUser
  let lena: TestUser
  let receipt: string
  let reportId: string
  let duplicateId: string
  const cspErrors: string[] = []
  const addresses: string[] = []
  const contexts: BrowserContext[] = []

  const openPage = async () => {
    const context = await browser.newContext({ viewport: PHONE })
    contexts.push(context)
    const page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        cspErrors.push(message.text())
      }
    })
    page.on('framenavigated', (frame) => addresses.push(frame.url()))
    return page
  }

  /** axe finds nothing, and the page fits the phone's width. */
  const checkPage = async (page: Page) => {
    expect(await axeViolations(page)).toEqual([])
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0)
    addresses.push(page.url())
  }

  // Each TOTP step signs a user in once; the service takes one step either side of now, so three sign-ins each.
  const signIns = new Map<TestUser, number>()
  const signInByKeyboard = async (page: Page, user: TestUser) => {
    const used = signIns.get(user) ?? 0
    signIns.set(user, used + 1)
    if (used === 0 && 30_000 - (Date.now() % 30_000) < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 3_100))
    }
    await page.goto(`${origin}/console`)
    await page.getByRole('heading', { name: 'Sign in to the review console' }).waitFor()
    await checkPage(page)
    await typeInto(page, page.getByLabel('E-mail'), user.email)
    await typeInto(page, page.getByLabel('Password'), user.password)
    await typeInto(page, page.getByLabel('Authenticator code'), user.code(Date.now() + (used - 1) * 30_000))
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
  }

  const openReport = async (page: Page, kind: string) => {
    await page.locator('table.queue tbody tr').first().waitFor()
    await checkPage(page)
    await pressKey(page, page.locator('table.queue tbody tr', { hasText: kind }).getByRole('button', { name: /^Open/ }))
    await page.locator('#narrative').waitFor()
    await page.locator('#duplicates-heading ~ *').first().waitFor()
  }

  const codeByKeyboard = async (page: Page, codes: [search: string, button: string][]) => {
    for (const [search, button] of codes) {
      await typeInto(page, page.getByLabel('Search the taxonomy'), search)
      await pressKey(page, page.getByRole('button', { name: button }))
    }
    await chooseByKeyboard(page, page.getByLabel('Event type'), 'information_misdirected')
    await chooseByKeyboard(page, page.getByLabel('Reach and harm'), 'near_miss')
    await chooseByKeyboard(page, page.getByLabel('Detection and recovery'), 'colleague')
    await chooseByKeyboard(page, page.getByLabel('Setting'), 'child_protection')
    await pressKey(page, page.getByLabel('A handover was involved'), 'Space')
    await typeInto(page, page.getByLabel('Summary'), 'Minutes misdirected after an unread handover note.')
    await pressKey(page, page.getByRole('button', { name: 'Save coding' }))
    await page.getByText('Your coding is saved.').waitFor()
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    rita = await createUser(t.app, { email: 'rita@example.org', recoveryKey: t.recoveryKey })
    ravi = await createUser(t.app, { email: 'ravi@example.org', recoveryKey: t.recoveryKey })
    lena = await createUser(t.app, { email: 'lena@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    const first = await postReport(t.app, reportBody({ narrative: NARRATIVE }))
    expect(first.statusCode).toBe(201)
    receipt = first.json().receipt
    reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
    // The same event told by someone else: same month, region and setting, another kind so the queue tells them apart.
    expect((await postReport(t.app, reportBody({ narrative: DUPLICATE, eventClass: 'incident' }))).statusCode).toBe(201)
    const other = await t.app.db.prisma.report.findFirstOrThrow({
      where: { id: { not: reportId } },
      select: { id: true }
    })
    duplicateId = other.id
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const context of contexts) {
      await context.close().catch(() => {})
    }
    await browser?.close()
    await t?.close()
  })

  let ritaPage: Page

  it('a reviewer opens the report, asks the reporter a question and codes it', async () => {
    ritaPage = await openPage()
    const page = ritaPage
    await signInByKeyboard(page, rita)
    await page.getByRole('heading', { name: 'Report queue' }).waitFor()
    await openReport(page, 'Near miss')
    expect(await page.locator('#narrative').textContent()).toBe(NARRATIVE)
    // The other report of the month, region and setting is offered as a possible duplicate, without its narrative.
    expect(await page.locator('#duplicates-table tbody tr').count()).toBe(1)
    expect(await page.locator('#duplicates-table').textContent()).not.toContain('wrong school')
    await checkPage(page)

    await pressKey(page, page.getByRole('button', { name: 'Start review' }))
    await page.getByText('Review started.').waitFor()
    await typeInto(page, page.getByLabel('Message'), QUESTION)
    await pressKey(page, page.getByRole('button', { name: 'Send' }))
    await page.locator('#messages li').first().waitFor()
    expect(await page.locator('#messages').textContent()).toContain(QUESTION)

    await codeByKeyboard(page, [
      ['wrong recipient', 'Add PA.SL.01 as contributing'],
      ['handover', 'Add TC.HO.02 as contributing']
    ])
    await page.getByRole('heading', { name: /^Your coding/ }).waitFor()
    await checkPage(page)
  })

  it("a second reviewer cannot see the first one's coding until saving their own", async () => {
    const page = await openPage()
    await signInByKeyboard(page, ravi)
    const answer = page.waitForResponse((res) =>
      res.url().endsWith(`/api/v1/reports/${reportId}`) && res.request().method() === 'GET')
    await openReport(page, 'Near miss')
    // Not hidden by the page but never sent: the API's answer itself holds no coding.
    expect((await (await answer).json()).codings).toEqual([])
    expect(await page.getByText("Another reviewer's coding").count()).toBe(0)
    expect(await page.getByText('Other reviewers\' codings are shown once you have saved your own').count()).toBe(1)
    expect(await page.locator('body').textContent()).not.toContain('TC.HO.02')
    // Nor through the duplicates list: codes not yet visible are not compared.
    expect(await page.locator('#duplicates-table').textContent()).toContain('No codes to compare yet')
    await checkPage(page)

    await codeByKeyboard(page, [['wrong recipient', 'Add PA.SL.01 as contributing']])
    await page.getByRole('heading', { name: "Another reviewer's coding" }).waitFor()
    expect(await page.locator('.coding', { hasText: "Another reviewer's coding" }).textContent()).toContain('TC.HO.02')
    await checkPage(page)
    await pressKey(page, page.getByRole('button', { name: 'Sign out' }))
    await page.getByText('You have signed out.').waitFor()
  })

  it('the reporter answers the question on the receipt page, by keyboard', async () => {
    const page = await openPage()
    await page.goto(`${origin}/receipt`)
    await typeInto(page, page.locator('#receipt-input'), receipt)
    await page.keyboard.press('Enter')
    await page.waitForSelector('#step-report:not([hidden])')
    expect(await page.locator('#messages').textContent()).toContain(QUESTION)
    await typeInto(page, page.locator('#answer-input'), ANSWER)
    await pressKey(page, page.locator('#answer-button'))
    await page.waitForSelector('#messages li:nth-child(2)')
    expect(await axeViolations(page)).toEqual([])
  })

  it('the first reviewer sees the answer, merges the duplicate after confirming, and closes the report', async () => {
    const page = ritaPage
    await pressKey(page, page.getByRole('button', { name: 'Back to the queue' }))
    const row = page.locator('table.queue tbody tr', { hasText: 'Near miss' })
    await row.getByText('new answer').waitFor()
    await openReport(page, 'Near miss')
    const answer = page.locator('#messages li.answer')
    await answer.waitFor()
    expect(await answer.textContent()).toContain(ANSWER)

    // Both reviewers' codes are visible to Rita now: the duplicate has none, so nothing to compare.
    const merge = page.getByRole('button', { name: /^Merge it .* into this report$/ })
    await pressKey(page, merge)
    const dialog = page.getByRole('dialog', { name: 'Merge these reports?' })
    await dialog.waitFor()
    await checkPage(page)
    // Escape cancels: nothing is merged.
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect((await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: duplicateId } })).status).toBe('new')

    await pressKey(page, merge)
    await dialog.waitFor()
    // The dialog takes the focus to its first button; Tab stays inside it.
    await pressKey(page, dialog.getByRole('button', { name: 'Yes, merge' }))
    await page.getByText(/is merged into this one/).waitFor()
    expect(await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: duplicateId } })).toMatchObject({
      status: 'merged',
      mergedIntoId: reportId
    })
    expect(await page.locator('#duplicates-table').count()).toBe(0)

    // Closed, the report counts for the lead too (a lead's answers leave out reports they may still code blind).
    await pressKey(page, page.getByRole('button', { name: 'Close report' }))
    await page.getByText('Report closed.').waitFor()
    await checkPage(page)
  })

  it("the lead's dashboard shows the coded themes as charts and tables", async () => {
    const page = await openPage()
    await signInByKeyboard(page, lena)
    await pressKey(page, page.getByRole('button', { name: 'Dashboard' }))
    await page.getByRole('heading', { name: 'Themed trends' }).waitFor()
    await page.locator('#trends-table tbody tr').first().waitFor()
    await page.locator('#domains-table tbody tr').first().waitFor()
    await page.locator('#heatmap').waitFor()

    // Two reviewers coded one report: PA (both) and TC (the first) at domain level, each once per report.
    const trends = (await page.locator('#trends-table').textContent()) ?? ''
    expect(trends).toContain('PA')
    expect(trends).toContain('TC')
    const domains = (await page.locator('#domains-table tbody').textContent()) ?? ''
    expect(domains).toContain('50.0%')
    expect(await page.locator('#heatmap td[title]').first().getAttribute('title')).toMatch(/: 1 report, lift /)
    expect(await page.locator('canvas').count()).toBe(2)
    for (const canvas of await page.locator('canvas').all()) {
      expect((await canvas.boundingBox())?.height ?? 0).toBeGreaterThan(50)
    }
    await checkPage(page)

    // Groups instead of domains, by the arrow keys; the address carries the filters and nothing else.
    await chooseByKeyboard(page, page.getByLabel('Taxonomy level'), '2')
    await page.locator('#trends-table', { hasText: 'PA.SL' }).waitFor()
    expect(await page.locator('#trends-table').textContent()).toContain('TC.HO')
    expect(new URL(page.url()).searchParams.get('level')).toBe('2')
    await checkPage(page)
  })

  it('kept the strict CSP, and put no report id or receipt in any address', () => {
    expect(cspErrors).toEqual([])
    expect(addresses.length).toBeGreaterThan(5)
    for (const address of addresses) {
      expect(address).not.toContain(reportId)
      expect(address).not.toContain(duplicateId)
      expect(address.toUpperCase()).not.toContain(receipt.replace(/-/g, ''))
      expect(address.toUpperCase()).not.toContain(receipt)
    }
  })
})
