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

  it('made no request outside its own origin, and set no cookie', async () => {
    expect(requested.length).toBeGreaterThan(4)
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([])
    expect(await page.context().cookies()).toEqual([])
  })
})
