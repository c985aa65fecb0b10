import { AxeBuilder } from '@axe-core/playwright'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillReport, hasChromium, launchChromium } from '../helpers/browser.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// The reporter's journey in a real browser (Debian's Chromium): write, check, send, keep the receipt. axe-core
// checks every state against the WCAG 2.2 A/AA rules, and every request the page makes is recorded.
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

describe.skipIf(!hasChromium())('the reporter form in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let page: Page
  let origin: string
  const requested: string[] = []

  beforeAll(async () => {
    t = await createTestApp()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } })
    page = await context.newPage()
    page.on('request', (request) => requested.push(request.url()))
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  const violations = async () => {
    const results = await new AxeBuilder({ page }).withTags(WCAG).analyze()
    return results.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)
  }

  it('opens with no accessibility violations, no cookies and nothing in browser storage', async () => {
    await page.goto(`${origin}/`)

    await expect(page.title()).resolves.toBe('Report a near miss – Candid')
    expect(await violations()).toEqual([])
    expect(await page.context().cookies()).toEqual([])
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)
  })

  it('lists every missing answer in an error summary that takes the focus, and stays accessible', async () => {
    await page.click('#preview-button')

    await expect(page.isVisible('#error-summary')).resolves.toBe(true)
    expect(await page.evaluate('document.activeElement?.id')).toBe('error-summary')
    expect(await page.locator('#error-list li').count()).toBe(8)
    expect(await violations()).toEqual([])

    await page.click('#error-list a >> nth=0')
    expect(await page.evaluate('document.activeElement?.id')).toBe('narrative')
  })

  it('shows what reviewers will see, with identifiers removed, and the live-risk routes when needed', async () => {
    await fillReport(
      page,
      'Mrs Okafor rang about Jayden (7). The ICPC invite went to dad at 14 Elswick Road, NE4 6JL. He is at risk tonight.'
    )
    await page.click('#preview-button')
    await page.waitForSelector('#step-check:not([hidden])')

    expect(await page.textContent('#preview-text')).toBe(
      'Mrs [NAME] rang about [NAME] ([AGE]). The ICPC invite went to dad at [ADDRESS], [POSTCODE]. He is at risk tonight.'
    )
    await expect(page.isVisible('#live-risk')).resolves.toBe(true)
    expect(await page.textContent('#live-risk')).toContain('LADO')
    expect(await violations()).toEqual([])
  })

  it('lets the reporter go back and edit, keeping what they wrote', async () => {
    await page.click('#edit-button')
    await page.waitForSelector('#step-write:not([hidden])')

    expect(await page.inputValue('#narrative')).toContain('Elswick Road')
    await page.fill('#narrative', 'The ICPC invite went to dad at 14 Elswick Road, NE4 6JL, but admin caught it in time.')
    await page.click('#preview-button')
    await page.waitForSelector('#step-check:not([hidden])')
    await expect(page.isVisible('#live-risk')).resolves.toBe(false)
  })

  it('sends the report and shows a receipt that works, with advice to keep it', async () => {
    await page.click('#send-button')
    await page.waitForSelector('#step-done:not([hidden])')
    const receipt = (await page.textContent('#receipt')) ?? ''

    expect(receipt).toMatch(/^[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}$/)
    expect(await page.textContent('#step-done')).toContain('Keep your receipt')
    expect(await violations()).toEqual([])
    const status = await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipt}` })
    expect(status.json()).toEqual({ status: 'new', messages: [], alerts: [], actions: [] })
    expect(await page.inputValue('#narrative')).toBe('')
  })

  // Issue 14 item 3: a text field that reads the month as people type it, in any engine.
  it.each(['2026-11', '11/2026', 'Nov 2026', 'November 2026', ' nov. 2026 ', '2026/11'])(
    'reads the month typed as %j and sends 2026-11',
    async (typed) => {
      await page.goto(`${origin}/`)
      await fillReport(page, 'The ICPC invite went to the wrong address, but admin caught it in time.')
      await page.fill('#occurredMonth', '')
      await page.focus('#occurredMonth')
      await page.keyboard.type(typed)
      await page.keyboard.press('Enter')
      await page.waitForSelector('#step-check:not([hidden])')

      const [request] = await Promise.all([
        page.waitForRequest((candidate) => candidate.url().endsWith('/api/v1/reports')),
        page.click('#send-button')
      ])
      await page.waitForSelector('#step-done:not([hidden])')
      expect(request.postDataJSON()).toMatchObject({ occurredMonth: '2026-11', marks: [] })
    }
  )

  it.each([
    ['something it cannot read', '13/2026', 'Enter the month it happened as 2026-10, 10/2026, Oct 2026 or October 2026'],
    ['a month in the future', 'January 2099', 'Enter a month that is not in the future']
  ])('refuses %s with an error that names what it accepts, tied to the field', async (_name, typed, message) => {
    await page.goto(`${origin}/`)
    await fillReport(page, 'The ICPC invite went to the wrong address, but admin caught it in time.')
    await page.fill('#occurredMonth', typed)
    await page.click('#preview-button')

    expect(await page.textContent('#occurredMonth-error')).toBe(`Error: ${message}`)
    expect(await page.textContent('#error-list')).toBe(message)
    expect(await page.getAttribute('#occurredMonth', 'aria-describedby')).toContain('occurredMonth-error')
    expect(await page.getAttribute('#occurredMonth', 'type')).toBe('text')
    await page.click('#error-list a')
    expect(await page.evaluate('document.activeElement?.id')).toBe('occurredMonth')
    expect(await violations()).toEqual([])
  })

  // Issue 11 item 5: the reporter removes what the pipeline left, by keyboard, and hears what happened.
  describe('the reporter\'s own marks', () => {
    const NARRATIVE = 'Mrs Okafor rang about the boy from the Pelican Fish Bar; the pelican fish bar staff said he was fine.'
    const shown = () => page.textContent('#preview-text')
    const focused = () => page.evaluate('document.activeElement?.id')

    it('marks a typed phrase by keyboard: removed everywhere, listed with an undo button, announced', async () => {
      await page.goto(`${origin}/`)
      await fillReport(page, NARRATIVE)
      await page.click('#preview-button')
      await page.waitForSelector('#step-check:not([hidden])')

      await page.keyboard.press('Tab')
      expect(await focused()).toBe('mark-phrase')
      await page.keyboard.type('pelican fish bar')
      await page.keyboard.press('Tab')
      expect(await focused()).toBe('mark-button')
      await page.keyboard.press('Enter')
      await page.locator('#preview-text:has-text("[REMOVED]")').waitFor()

      expect(await shown()).toBe('Mrs [NAME] rang about the boy from the [REMOVED]; the [REMOVED] staff said he was fine.')
      expect(await page.textContent('#marks-status')).toBe('Removed “pelican fish bar” in 2 places. It now shows as [REMOVED].')
      expect(await page.getAttribute('#marks-status', 'role')).toBe('status')
      expect(await page.textContent('#marks-list')).toBe('“pelican fish bar”2 placesUndo removing “pelican fish bar”')
      expect(await page.inputValue('#mark-phrase')).toBe('')
      expect(await focused()).toBe('mark-phrase')
      expect(await page.textContent('#preview-summary')).toBe('We removed 1 detail that could identify someone. You removed 2 more.')
      expect(await violations()).toEqual([])
    })

    it('undoes a mark by keyboard, announces it and moves the focus back to the field', async () => {
      await page.keyboard.press('Tab')
      await page.keyboard.press('Tab')
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Undo removing “pelican fish bar”')
      await page.keyboard.press('Enter')
      await page.locator('#preview-text:has-text("[REMOVED]")').waitFor({ state: 'detached' })

      expect(await shown()).toBe('Mrs [NAME] rang about the boy from the Pelican Fish Bar; the pelican fish bar staff said he was fine.')
      expect(await page.textContent('#marks-status')).toBe('“pelican fish bar” is shown again.')
      expect(await page.isVisible('#marks-list')).toBe(false)
      expect(await focused()).toBe('mark-phrase')
    })

    it('cannot give back what was removed: a removed word is refused with an error on the field', async () => {
      await page.keyboard.type('Okafor')
      await page.keyboard.press('Enter')
      await page.waitForSelector('#mark-error:not([hidden])')

      expect(await page.textContent('#mark-error')).toBe(
        'Error: We cannot find “Okafor” in the text shown. Type whole words as they are shown'
      )
      expect(await shown()).toContain('Mrs [NAME] rang')
      expect(await focused()).toBe('mark-phrase')
      expect(await violations()).toEqual([])
    })

    it('takes a selection in the preview, widened to whole words and around placeholders, which stay', async () => {
      // What a mouse or touch selection (or caret browsing) leaves: part of "[NAME]" and part of "rang".
      const select = (from: string) =>
        page.evaluate(`(() => {
          const node = document.getElementById('preview-text').firstChild
          const start = node.textContent.indexOf(${JSON.stringify(from)})
          const range = document.createRange()
          range.setStart(node, start)
          range.setEnd(node, start + ${from.length})
          document.getSelection().removeAllRanges()
          document.getSelection().addRange(range)
        })()`)
      await select('AME] ra')
      await expect.poll(() => page.inputValue('#mark-phrase')).toBe('[NAME] rang')

      await page.focus('#mark-button')
      await page.keyboard.press('Enter')
      await page.locator('#preview-text:has-text("[REMOVED]")').waitFor()
      expect(await shown()).toBe('Mrs [NAME] [REMOVED] about the boy from the Pelican Fish Bar; the pelican fish bar staff said he was fine.')
      expect(await page.isVisible('#mark-error')).toBe(false)
    })

    it('after an edit, drops a mark that no longer matches and says so', async () => {
      await page.keyboard.type('pelican fish bar')
      await page.keyboard.press('Enter')
      await page.locator('#marks-list li').nth(1).waitFor()
      await page.click('#edit-button')
      await page.fill('#narrative', NARRATIVE.replace('Pelican Fish Bar', 'chip shop').replace('pelican fish bar', 'shop'))
      await page.click('#preview-button')
      await page.waitForSelector('#step-check:not([hidden])')

      expect(await shown()).toBe('Mrs [NAME] [REMOVED] about the boy from the chip shop; the shop staff said he was fine.')
      expect(await page.textContent('#marks-status')).toBe('“pelican fish bar” no longer appears in your report.')
      expect(await page.locator('#marks-list li').count()).toBe(1)
    })

    it('sends the marks with the report; the server stores the text exactly as previewed', async () => {
      const preview = await shown()
      const [request, response] = await Promise.all([
        page.waitForRequest((candidate) => candidate.url().endsWith('/api/v1/reports')),
        page.waitForResponse((candidate) => candidate.url().endsWith('/api/v1/reports')),
        page.click('#send-button')
      ])
      await page.waitForSelector('#step-done:not([hidden])')

      expect(request.postDataJSON().marks).toEqual([{ phrase: 'rang' }])
      expect((await response.json()).redacted).toBe(preview)
      expect(await page.textContent('#marks-list')).toBe('')
    })
  })

  it('made no request outside its own origin, and set no cookie', async () => {
    expect(requested.length).toBeGreaterThan(4)
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([])
    expect(await page.context().cookies()).toEqual([])
  })
})
