import type { AddressInfo } from 'node:net'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, launchChromium } from '../helpers/browser.js'
import { coding } from '../helpers/codings.js'
import { axeViolations, signInThroughConsole } from '../helpers/console.js'
import { approvePoints } from '../helpers/learning-points.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, signedInUser, type TestUser } from '../helpers/users.js'

// Issue 13.3, "drafted in the console": a reviewer drafts the quarter's national bulletin on the console's Bulletins
// page and writes its introduction and commentary (redacted by the service); a lead's approval of a bulletin the lead
// drafted is refused with the service's message; two leads approve the reviewer's draft, and the public page then
// shows it. One server for the file, real Chromium, axe-core (WCAG 2.2 AA) on the page, and keyboard use for drafting.
const POINT = 'Read the address back to the sender before minutes go out.'
const INTRODUCTION = 'This quarter teams told us about minutes sent to the wrong address. Ask jo.bloggs@example.org.'
const COMMENTARY = 'Two teams now read the address back before sending.'

const monthString = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
const quarterOf = (index: number) => `${Math.floor(index / 12)}-Q${Math.floor((index % 12) / 3) + 1}`
const dayAfter = (quarterFirst: number, days: number) =>
  new Date(Date.UTC(Math.floor((quarterFirst + 3) / 12), (quarterFirst + 3) % 12, days)).toISOString().slice(0, 10)

describe.skipIf(!hasChromium())('the Bulletins page of the console, in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let origin = ''
  let reviewer: TestUser
  let leads: TestUser[]
  const now = new Date()
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth()
  const quarterFirst = current - (current % 3)
  const quarter = quarterOf(quarterFirst)
  const changes: { url: string; csrf: string | undefined }[] = []
  const consoleErrors: string[] = []
  const pages: Page[] = []

  /** A signed-in console page of its own (a browser context each, as people on their own machines). */
  const consoleFor = async (user: TestUser) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.on('request', (request) => {
      if (request.method() !== 'GET' && !request.url().endsWith('/api/v1/auth/login')) {
        changes.push({ url: request.url(), csrf: request.headers()['x-csrf-token'] })
      }
    })
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    await page.goto(`${origin}/console`)
    await signInThroughConsole(page, user)
    await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Bulletins', exact: true }).click()
    await page.getByRole('heading', { name: 'Bulletins', level: 1 }).waitFor()
    pages.push(page)
    return page
  }
  /** Presses Tab until `target` has the focus: reachable by keyboard, in the page's own order. */
  const tabTo = async (page: Page, target: Locator, limit = 80) => {
    for (let presses = 0; presses < limit; presses += 1) {
      await page.keyboard.press('Tab')
      if (await target.evaluate((element) => element.ownerDocument.activeElement === element).catch(() => false)) return
    }
    throw new Error(`${target.toString()} cannot be reached with the Tab key`)
  }
  const bulletinOf = (scope: string) => t.app.db.prisma.bulletin.findFirstOrThrow({ where: { quarter, scope } })

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    // Set up through the API by people other than the console's users (each TOTP step signs in once).
    const coder = await signedInUser(t.app, { email: 'coder@example.org', recoveryKey: t.recoveryKey })
    const pointLeads = [
      await signedInUser(t.app, { email: 'points.a@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await signedInUser(t.app, { email: 'points.b@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
    // Twelve coded reports this quarter in london (enough for tables and its learning point), one with a point.
    const ids: string[] = []
    for (let n = 0; n < 12; n += 1) {
      expect((await postReport(t.app, reportBody({ occurredMonth: monthString(quarterFirst), region: 'london' }))).statusCode)
        .toBe(201)
    }
    for (const { id } of await t.app.db.prisma.report.findMany({ select: { id: true } })) {
      const coded = await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${id}/codings`,
        headers: coder.headers,
        payload: coding({ learningPoint: ids.length === 0 ? POINT : '' })
      })
      expect(coded.statusCode, coded.body).toBe(201)
      ids.push(id)
    }
    const approved = await approvePoints(t.app, ids.slice(0, 1), { closer: coder, leads: pointLeads })
    expect(approved.map((res) => res.statusCode)).toEqual([200, 200])
    expect(await summariesAt(t.app, t.config, dayAfter(quarterFirst, 20)).publish(quarter)).toMatchObject({ outcome: 'published' })

    reviewer = await createUser(t.app, { email: 'reviewer@example.org', recoveryKey: t.recoveryKey })
    leads = [
      await createUser(t.app, { email: 'lead.a@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await createUser(t.app, { email: 'lead.b@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('lets a reviewer draft the national bulletin by keyboard and write its words, redacted by the service', async () => {
    const page = await consoleFor(reviewer)
    await page.getByText('No bulletin has been drafted yet.').waitFor()
    expect(await axeViolations(page)).toEqual([])
    // Reviewers do not approve: the page offers them no approval.
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0)

    expect(await page.getByLabel('Published quarter').inputValue()).toBe(quarter)
    expect(await page.getByLabel('Scope').inputValue()).toBe('national')
    await tabTo(page, page.getByRole('button', { name: 'Draft bulletin' }))
    await page.keyboard.press('Enter')
    await page.getByRole('status').getByText(`The ${quarter} bulletin (Whole country) is drafted`).waitFor()
    await page.getByRole('row', { name: new RegExp(`${quarter} Whole country Draft of .*\\(yours\\): 0 of 2 approvals`) }).waitFor()

    await tabTo(page, page.getByLabel('Introduction'))
    await page.keyboard.type(INTRODUCTION)
    // The learning point's text describes its commentary field.
    const commentary = page.getByLabel('Commentary on learning point 1')
    expect(await commentary.getAttribute('aria-describedby')).toBe('point-0-text')
    expect(await page.locator('#point-0-text').textContent()).toContain(POINT)
    await tabTo(page, commentary)
    await page.keyboard.type(COMMENTARY)
    await tabTo(page, page.getByRole('button', { name: 'Save the words' }))
    await page.keyboard.press('Enter')
    await page.getByRole('status').getByText(`The words of the ${quarter} Whole country bulletin are saved`).waitFor()

    // The fields show what the service stored: the e-mail address redacted away.
    const stored = JSON.parse((await bulletinOf('national')).content) as { introduction: string; learningPoints: { commentary: string }[] }
    expect(stored.introduction).toContain('minutes sent to the wrong address')
    expect(stored.introduction).not.toContain('jo.bloggs@example.org')
    expect(stored.learningPoints[0]?.commentary).toBe(COMMENTARY)
    expect(await page.getByLabel('Introduction').inputValue()).toBe(stored.introduction)
    expect(await axeViolations(page)).toEqual([])
  })

  it("refuses a lead's approval of a bulletin the lead drafted, with the service's message", async () => {
    const page = await consoleFor(leads[0] as TestUser)
    await page.getByLabel('Scope').selectOption('london')
    await page.getByRole('button', { name: 'Draft bulletin' }).click()
    await page.getByRole('status').getByText(`The ${quarter} bulletin (london) is drafted`).waitFor()
    await page.getByRole('button', { name: `Approve the ${quarter} london bulletin` }).click()
    const summary = page.locator('.error-summary')
    await summary.getByText('A bulletin needs two people other than its drafter: you drafted this one.').waitFor()
    // Focused, so a screen reader hears it at once.
    expect(await summary.evaluate((element) => element.ownerDocument.activeElement === element)).toBe(true)
    expect(await t.app.db.prisma.bulletinApproval.count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])
  })

  it('takes two leads’ approvals in the console, then links the public page, which shows the bulletin', async () => {
    for (const [n, lead] of leads.entries()) {
      const page = n === 0 ? (pages[1] as Page) : await consoleFor(lead)
      await page.getByRole('button', { name: `Open the ${quarter} Whole country bulletin` }).click()
      await page.getByLabel('Introduction').waitFor()
      await page.getByRole('button', { name: `Approve the ${quarter} Whole country bulletin` }).click()
      await page.getByRole('status').getByText(`Your approval of the ${quarter} Whole country bulletin is recorded.`).waitFor()
    }
    const page = pages[2] as Page
    // The notice comes after the list was loaded again: the row already says it is approved, with its links.
    const row = page.getByRole('row', { name: new RegExp(`${quarter} Whole country Approved`) })
    await row.waitFor()
    expect(await row.getByRole('link', { name: `Web page of the ${quarter} Whole country bulletin` }).getAttribute('href'))
      .toBe(`/bulletins/${quarter}`)
    expect(await row.getByRole('link', { name: `PDF of the ${quarter} Whole country bulletin` }).getAttribute('href'))
      .toBe(`/bulletins/${quarter}.pdf`)
    expect(await axeViolations(page)).toEqual([])
    expect((await bulletinOf('national')).status).toBe('approved')

    const pdf = await t.app.inject({ method: 'GET', url: `/bulletins/${quarter}.pdf` })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toContain('application/pdf')

    await row.getByRole('link', { name: `Web page of the ${quarter} Whole country bulletin` }).click()
    await page.waitForURL(`${origin}/bulletins/${quarter}`)
    const body = (await page.locator('body').textContent()) ?? ''
    expect(body).toContain(POINT)
    expect(body).toContain(COMMENTARY)
    expect(body).toContain('minutes sent to the wrong address')
    expect(body).not.toContain('jo.bloggs@example.org')
  })

  it('sent the CSRF token with every change, stored nothing in the browser and broke no CSP rule', async () => {
    expect(changes.filter((change) => change.url.includes('/api/v1/bulletins/')).length).toBeGreaterThanOrEqual(5)
    expect(changes.every((change) => (change.csrf ?? '').length > 10)).toBe(true)
    for (const page of pages.slice(0, 2)) {
      expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)
    }
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([])
  })
})
