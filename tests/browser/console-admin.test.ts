import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { Secret } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode } from '../../src/lib/auth/totp.js'
import { hasChromium, launchChromium } from '../helpers/browser.js'
import { coding } from '../helpers/codings.js'
import { axeViolations } from '../helpers/console.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, signedInUser, type TestUser } from '../helpers/users.js'
import * as keyboard from '../helpers/keyboard.js'

// The admin's side of the console in real Chromium, on one server for the whole file, at 390 px and by keyboard
// alone: enrolling a reviewer and a lead, unsealing granted, an API key made (shown once) and revoked, an account
// disabled, a quarter previewed and published, and the admin's own account; axe-core (WCAG 2.2 AA) on every page.
const NEW_PASSWORD = 'a kettle of lighthouse otters hums quietly'
const CHANGED_PASSWORD = 'seven quiet herons fold the morning tide'

describe.skipIf(!hasChromium())('the admin console in Chromium, by keyboard, at 390 px', () => {
  let t: TestApp
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let origin: string
  let admin: TestUser
  const links: Record<string, string> = {}
  const secrets: Record<string, Uint8Array> = {}
  const requested: string[] = []
  const changes: { url: string; csrf: string | undefined }[] = []
  const consoleErrors: string[] = []
  let apiKey = ''

  /** Presses Tab until `target` has the focus: it is reachable by keyboard, in the page's own order. */
  const tabTo = async (target: Locator, limit = 120) => {
    for (let presses = 0; presses < limit; presses += 1) {
      await page.keyboard.press('Tab')
      if (await target.evaluate((element) => element.ownerDocument.activeElement === element).catch(() => false)) {
        return
      }
    }
    throw new Error(`${target.toString()} cannot be reached with the Tab key`)
  }
  const typeInto = async (target: Locator, text: string) => {
    await tabTo(target)
    await page.keyboard.type(text)
  }
  const press = async (target: Locator, key = 'Enter') => {
    await tabTo(target)
    await page.keyboard.press(key)
  }
  const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name, exact: true })
  /** Nothing wider than the 390 px screen: no sideways scrolling of the page (wide tables scroll in their box). */
  // Named by tag, id and class, so that a failure says what sticks out.
  const overflowing = () =>
    page.evaluate(`[...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .filter((element) => !element.closest('.table-wrap') || element.classList.contains('table-wrap'))
      .map((element) => element.tagName + (element.id ? '#' + element.id : '') + '.' + element.className)`)
  const checkPage = async () => {
    expect(await axeViolations(page)).toEqual([])
    expect(await overflowing()).toEqual([])
  }

  beforeAll(async () => {
    // No automatic publication: the admin publishes 2026-Q3 by hand (the scheduled check would do it a minute in).
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    admin = await createUser(t.app, { email: 'admin@example.org', role: 'admin', recoveryKey: t.recoveryKey })
    // Twelve coded reports about 2026-08 in london: Candid was in use during 2026-Q3 (closed long enough ago to
    // publish), and london has enough reports (SUPPRESS_BELOW) for its summary to have tables.
    const coder = await signedInUser(t.app, { email: 'coder@example.org', recoveryKey: t.recoveryKey })
    for (let n = 0; n < 12; n += 1) {
      expect((await postReport(t.app, reportBody({ occurredMonth: '2026-08', region: 'london' }))).statusCode).toBe(201)
    }
    for (const { id } of await t.app.db.prisma.report.findMany({ select: { id: true } })) {
      const coded = await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${id}/codings`,
        headers: coder.headers,
        payload: coding()
      })
      expect(coded.statusCode, coded.body).toBe(201)
    }
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    page = await context.newPage()
    page.on('request', (request) => {
      requested.push(request.url())
      if (request.method() !== 'GET' && !request.url().endsWith('/api/v1/auth/login')) {
        changes.push({ url: request.url(), csrf: request.headers()['x-csrf-token'] })
      }
    })
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text())
      }
    })
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('signs the admin in by keyboard and shows the accounts page', async () => {
    await page.goto(`${origin}/console`)
    await page.getByRole('heading', { name: 'Sign in to the review console' }).waitFor()
    await typeInto(page.getByLabel('E-mail'), admin.email)
    await typeInto(page.getByLabel('Password'), admin.password)
    await typeInto(page.getByLabel('Authenticator code'), admin.code())
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Accounts' }).waitFor()
    await page.getByRole('row', { name: /admin@example\.org/ }).waitFor()
    await checkPage()
  })

  it('enrols a reviewer and a lead through one-time links, and grants the reviewer unsealing', async () => {
    for (const [email, arrowDowns] of [['reviewer@example.org', 0], ['lead@example.org', 1]] as const) {
      await typeInto(page.getByLabel('E-mail of the new user'), email)
      await tabTo(page.getByLabel('Role'))
      // Reviewer is the first choice, Safety lead the next.
      await page.keyboard.press('Home')
      for (let n = 0; n < arrowDowns; n += 1) {
        await page.keyboard.press('ArrowDown')
      }
      await press(page.getByRole('button', { name: 'Create account' }))
      await page.getByText(`Enrolment link for ${email}`).waitFor()
      links[email] = (await page.locator('#enrolment-link').textContent()) ?? ''
      expect(links[email]).toMatch(new RegExp(`^${origin}/console#enrol=[\\w-]{43}$`))
    }
    await checkPage()
    expect(await page.getByRole('row', { name: /lead@example\.org/ }).textContent()).toContain('lead')

    // Each new user opens their link on their own phone, sets a password and confirms a code.
    for (const email of ['reviewer@example.org', 'lead@example.org']) {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const newcomer = await phone.newPage()
      await newcomer.goto(links[email] ?? '')
      await newcomer.getByRole('heading', { name: 'Set up your account' }).waitFor()
      const secret = new Uint8Array(Secret.fromBase32((await newcomer.locator('#totp-secret').textContent()) ?? '').bytes)
      secrets[email] = secret
      // By keyboard alone too: every journey must work without a pointer.
      await keyboard.typeInto(newcomer, newcomer.getByLabel('New password'), NEW_PASSWORD)
      await keyboard.typeInto(newcomer, newcomer.getByLabel('Authenticator code'), totpCode(secret))
      await keyboard.pressKey(newcomer, newcomer.getByRole('button', { name: 'Finish setting up' }))
      await newcomer.getByText('Your account is ready.').waitFor()
      await phone.close()
      // The account works: its next code signs in (and the session stays, for the disabling below).
      const signedIn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: NEW_PASSWORD, totp: totpCode(secret, Date.now() + 30_000) }
      })
      expect(signedIn.statusCode).toBe(200)
    }

    await press(page.getByRole('button', { name: 'Grant unsealing to reviewer@example.org' }))
    await page.getByRole('row', { name: /reviewer@example\.org/ }).getByText('At next sign-in').waitFor()
    const granted = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'reviewer@example.org' } })
    expect(granted.pendingGrant).not.toBeNull()
  })

  it('makes an API key shown once, which works until the admin revokes it; then it gets 401', async () => {
    await press(nav('API keys'))
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
    await page.getByText('There are no API keys yet.').waitFor()
    await checkPage()

    await tabTo(page.getByLabel('Region'))
    // The regions in configuration order: london is the seventh.
    await page.keyboard.press('Home')
    for (let n = 0; n < 6; n += 1) {
      await page.keyboard.press('ArrowDown')
    }
    expect(await page.getByLabel('Region').inputValue()).toBe('london')
    await typeInto(page.getByLabel('Label'), 'London safeguarding board')
    await press(page.getByRole('button', { name: 'Make API key' }))
    await page.locator('#new-api-key').waitFor()
    apiKey = (await page.locator('#new-api-key').textContent()) ?? ''
    expect(apiKey).toMatch(/^cnd_[\w-]{8}_[\w-]{43}$/)
    const prefix = apiKey.slice(0, 12)
    await page.getByRole('row', { name: new RegExp(prefix) }).waitFor()
    await checkPage()

    const bearer = { authorization: `Bearer ${apiKey}` }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/summaries?region=london', headers: bearer })).statusCode).toBe(200)

    // Shown once: hidden on request, and gone from the page for good once the admin moves on.
    await press(page.getByRole('button', { name: 'I have copied it: hide the key' }))
    expect(await page.locator('#new-api-key').count()).toBe(0)
    await press(nav('Accounts'))
    await page.getByRole('heading', { name: 'Accounts' }).waitFor()
    await press(nav('API keys'))
    await page.getByRole('row', { name: new RegExp(prefix) }).waitFor()
    expect(await page.content()).not.toContain(apiKey.slice(13))
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)

    await press(page.getByRole('button', { name: `Revoke API key ${prefix}` }))
    await page.getByText(`API key ${prefix} is revoked`).waitFor()
    expect(await page.getByRole('row', { name: new RegExp(prefix) }).textContent()).toContain('Revoked')
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/summaries?region=london', headers: bearer })).statusCode).toBe(401)
    await checkPage()
  })

  it("disables the lead: the lead's session ends at once and sign-in is refused", async () => {
    const row = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lead@example.org' } })
    expect(await t.app.db.prisma.session.count({ where: { userId: row.id } })).toBeGreaterThan(0)

    await press(nav('Accounts'))
    await page.getByRole('heading', { name: 'Accounts' }).waitFor()
    await press(page.getByRole('button', { name: 'Disable lead@example.org' }))
    await page.getByText('lead@example.org is disabled; their sessions have ended.').waitFor()
    expect(await page.getByRole('row', { name: /lead@example\.org/ }).textContent()).toContain('Disabled')
    expect(await t.app.db.prisma.session.count({ where: { userId: row.id } })).toBe(0)
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'lead@example.org', password: NEW_PASSWORD, totp: totpCode(secrets['lead@example.org'] ?? new Uint8Array(), Date.now() + 60_000) }
    })
    expect(refused.statusCode).toBe(401)
    expect(await page.getByRole('button', { name: 'Enable lead@example.org' }).count()).toBe(1)
    await checkPage()
  })

  it('previews what a region will receive for the due quarter, as tables, then publishes it', async () => {
    await press(nav('Publications'))
    await page.getByRole('heading', { name: 'Publications', level: 1 }).waitFor()
    // On a timeout, say what the page shows instead (an error summary, or no quarter due).
    await page.getByRole('button', { name: 'Publish 2026-Q3' }).waitFor().catch(async (error: unknown) => {
      throw new Error(`${String(error)}; the page shows: ${await page.locator('main').textContent()}`)
    })
    await checkPage()

    await tabTo(page.getByLabel('Region'))
    await page.keyboard.press('Home')
    for (let n = 0; n < 6; n += 1) {
      await page.keyboard.press('ArrowDown')
    }
    expect(await page.getByLabel('Quarter').inputValue()).toBe('2026-Q3')
    await press(page.getByRole('button', { name: 'Show preview' }))
    await page.getByRole('heading', { name: 'london, 2026-Q3' }).waitFor()
    await page.getByText('Not published yet').waitFor()
    // The summary's tables, as the region will read them: reports by setting, for one.
    expect(await page.getByRole('table', { name: /^Setting/ }).count()).toBe(1)
    expect(await page.getByRole('table').count()).toBeGreaterThan(3)
    await checkPage()

    await press(page.getByRole('button', { name: 'Publish 2026-Q3' }))
    await page.getByText(/^Published 2026-Q3: \d+ regions, \d+ reports\.$/).waitFor()
    await page.getByText(/2026-Q3, published \d{4}-\d{2}-\d{2}/).waitFor()
    await press(page.getByRole('button', { name: 'Show preview' }))
    await page.getByText('Published: this is the frozen summary').waitFor()
    await checkPage()
    expect(await t.app.db.prisma.publication.count({ where: { quarter: '2026-Q3' } })).toBeGreaterThan(0)
  })

  it("changes the admin's own password and restores unsealing with the recovery key on the account page", async () => {
    await press(nav('Your account'))
    await page.getByRole('heading', { name: 'Your account' }).waitFor()
    await checkPage()
    await typeInto(page.getByLabel('Current password'), admin.password)
    await typeInto(page.getByLabel('New password', { exact: true }), CHANGED_PASSWORD)
    await typeInto(page.getByLabel('New password again'), 'not the same words at all, sadly')
    await page.keyboard.press('Enter')
    await page.locator('.error-summary').getByText('The new password and its repetition differ.').waitFor()

    await tabTo(page.getByLabel('New password again'))
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.type(CHANGED_PASSWORD)
    await page.keyboard.press('Enter')
    await page.getByText('Your password is changed.').waitFor()
    // The fields are emptied: no password stays in the page.
    expect(await page.getByLabel('Current password').inputValue()).toBe('')
    await checkPage()
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: admin.email, password: admin.password, totp: admin.code(Date.now() + 30_000) }
    })
    expect(old.statusCode).toBe(401)

    await typeInto(page.getByLabel('Your password'), CHANGED_PASSWORD)
    await typeInto(page.getByLabel('Recovery key'), t.recoveryKey ?? '')
    await page.keyboard.press('Enter')
    await page.getByText('You can unseal reports again.').waitFor()
    expect(await page.getByLabel('Recovery key').inputValue()).toBe('')
    await checkPage()
  })

  it('sent the CSRF token with every change, kept nothing in storage or the address, and loaded nothing foreign', async () => {
    await press(page.getByRole('button', { name: 'Sign out' }))
    await page.getByText('You have signed out.').waitFor()
    expect(changes.length).toBeGreaterThanOrEqual(8)
    expect(changes.filter((change) => !change.url.includes('/api/v1/enrolment/')).every((change) => (change.csrf ?? '').length > 10))
      .toBe(true)
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)
    expect(new URL(page.url()).search).toBe('')
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([])
    expect(requested.some((url) => url.includes(apiKey.slice(13)))).toBe(false)
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([])
  })
})
