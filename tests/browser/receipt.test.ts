import { AxeBuilder } from '@axe-core/playwright'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, launchChromium } from '../helpers/browser.js'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, signIn } from '../helpers/users.js'

// The reporter's way back in a real browser: look up the receipt, read a reviewer's question, answer, withdraw.
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

describe.skipIf(!hasChromium())('the "your report" page in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let page: Page
  let origin: string
  let receipt: string
  const requested: string[] = []

  beforeAll(async () => {
    t = await createTestApp()
    receipt = (await postReport(t.app)).json().receipt
    const reviewer = await signIn(t.app, await createUser(t.app, { email: 'r@example.org', recoveryKey: t.recoveryKey }))
    const { id } = await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${id}/questions`,
      headers: reviewer.headers,
      payload: { text: 'Was the invite sent from the shared inbox?' }
    })
    expect(asked.statusCode).toBe(201)
    // "You said, we did": an action linked to the report, agreed, shows on the reporter's page.
    const action = await t.app.actions.create(
      { description: 'Invites are checked by a second person.', owner: 'Front door team', dueOn: '2030-01-31', themes: [], reportIds: [id] },
      id
    )
    await t.app.actions.update(action.id, { status: 'agreed' })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage()
    page.on('request', (request) => requested.push(request.url()))
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  const violations = async () =>
    (await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map((v) => `${v.id}: ${v.help}`)

  it('is linked from the receipt step of the form and opens accessibly', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/' })).body).toContain('href="/receipt"')
    await page.goto(`${origin}/receipt`)

    await expect(page.title()).resolves.toBe('Your report – Candid')
    // Without its script the page still never puts the receipt in an address: POST, and the input has no name.
    expect(await page.getAttribute('#lookup-form', 'method')).toBe('post')
    expect(await page.getAttribute('#receipt-input', 'name')).toBeNull()
    expect(await violations()).toEqual([])
  })

  it('says so, in an error summary, when the receipt is wrong', async () => {
    await page.fill('#receipt-input', 'AAAA-BBBB-CCCC-DDDD')
    await page.click('#lookup-button')
    await page.waitForSelector('#error-summary:not([hidden])')

    expect(await page.textContent('#error-list')).toContain('No report has this receipt')
    expect(await violations()).toEqual([])
  })

  it("shows the status and the reviewer's question, and takes an answer, redacted", async () => {
    await page.fill('#receipt-input', receipt.toLowerCase())
    await page.click('#lookup-button')
    await page.waitForSelector('#step-report:not([hidden])')

    expect(await page.textContent('#status-text')).toBe('Received')
    expect(await page.textContent('#messages')).toContain('Was the invite sent from the shared inbox?')
    expect(await page.textContent('#actions')).toContain('Invites are checked by a second person.')
    expect(await page.textContent('#actions')).toContain('Agreed')
    expect(await violations()).toEqual([])

    await page.fill('#answer-input', 'Yes, Mrs Okafor sent it from the duty inbox.')
    await page.click('#answer-button')
    await page.waitForSelector('#messages li:nth-child(2)')

    expect(await page.textContent('#messages li:last-child')).toContain('Yes, Mrs [NAME] sent it from the duty inbox.')
    expect(await page.inputValue('#receipt-input')).toBe('')
  })

  it('withdraws only when confirmed, and then shows the report withdrawn', async () => {
    await page.click('#withdraw-button')
    await page.waitForSelector('#error-summary:not([hidden])')
    expect(await page.textContent('#error-list')).toContain('Tick the box')

    await page.check('#withdraw-confirm')
    await page.click('#withdraw-button')
    await page.locator('#status-text', { hasText: 'Withdrawn' }).waitFor()

    await expect(page.isVisible('#answer-form')).resolves.toBe(false)
    expect(await page.locator('#messages li').count()).toBe(0)
    expect((await t.app.db.prisma.report.findFirstOrThrow()).narrativeCiphertext).toBeNull()
    expect(await violations()).toEqual([])
  })

  it('kept nothing in the browser and asked no other site for anything', async () => {
    expect(await page.context().cookies()).toEqual([])
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([])
    expect(requested.some((url) => url.toLowerCase().includes(receipt.toLowerCase()))).toBe(true)
    expect(page.url()).toBe(`${origin}/receipt`)
  })
})
