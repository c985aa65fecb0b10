import { AxeBuilder } from '@axe-core/playwright'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RISING_COLOUR, THEME_COLOUR } from '../../src/modules/bulletins/bulletins.charts.js'
import { type TBulletin, ZBulletin } from '../../src/modules/bulletins/bulletins.schemas.js'
import { createApiKey } from '../helpers/api-keys.js'
import { hasChromium, launchChromium } from '../helpers/browser.js'
import { coding } from '../helpers/codings.js'
import { approvePoints } from '../helpers/learning-points.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * Issue 13.3: the quarterly learning bulletin, from draft to the public HTML, PDF, Atom and JSON. Two quarters are
 * published (the previous one, so that themes can rise), the bulletin's quarter has 20 reports on time and 2 late
 * ones whose approved learning points must appear nowhere (their row is below SUPPRESS_BELOW).
 */

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']
const POINT = 'Read the address back to the sender before minutes go out.'
const LATE_POINT = 'Late Quillimore point: the conference notes were sent to the old address.'
const HAZARD = 'Minutes of strategy meetings are going to addresses that are out of date.'
const ACTION = 'A second person checks the address on every set of minutes.'
const COMMENTARY_EMAIL = 'jo.bloggs@example.org'

const monthString = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
const quarterOf = (index: number) => `${Math.floor(index / 12)}-Q${Math.floor((index % 12) / 3) + 1}`
const dayAfter = (quarterFirst: number, days: number) =>
  new Date(Date.UTC(Math.floor((quarterFirst + 3) / 12), (quarterFirst + 3) % 12, days)).toISOString().slice(0, 10)

/** Every published number a bulletin carries: none may be a count from 1 to 9. */
const figuresOf = (bulletin: TBulletin) => [
  bulletin.headline.reportsOnTime,
  bulletin.headline.reportsLate,
  ...bulletin.themes.map((theme) => theme.count),
  ...bulletin.rising.themes.flatMap((theme) => [theme.previous, theme.current])
]
const noSmallCount = (value: unknown) => value === null || value === '[c]' || value === 0 || (value as number) >= 10

/** poppler-utils (pdftoppm, pdftotext); CI installs it and sets CI=true, so there a missing one fails the test. */
const hasPoppler = () => existsSync('/usr/bin/pdftoppm') || process.env.CI === 'true'

const near = (a: number, b: number) => Math.abs(a - b) <= 3
const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]

describe('the quarterly learning bulletin', () => {
  let t: TestApp
  let reviewer: SignedIn
  let leads: SignedIn[]
  let apiKey: string
  let origin = ''
  const now = new Date()
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth()
  const quarterFirst = current - (current % 3)
  const previousFirst = quarterFirst - 3
  const quarter = quarterOf(quarterFirst)
  const previous = quarterOf(previousFirst)
  const drafts: Record<string, string> = {}

  const fileCoded = async (month: string, learningPoint = '') => {
    const before = new Set((await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id))
    expect((await postReport(t.app, reportBody({ occurredMonth: month, region: 'north-east' }))).statusCode).toBe(201)
    const all = await t.app.db.prisma.report.findMany({ select: { id: true } })
    const { id } = all.find((row) => !before.has(row.id)) as { id: string }
    const coded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${id}/codings`,
      headers: reviewer.headers,
      payload: coding({ learningPoint })
    })
    expect(coded.statusCode, coded.body).toBe(201)
    return id
  }

  const approve = (id: string, lead: SignedIn) =>
    t.app.inject({ method: 'POST', url: `/api/v1/bulletins/drafts/${id}/approvals`, headers: lead.headers })
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })
  const pullJson = (path: string) => get(`/api/v1/bulletins/${path}`, { authorization: `Bearer ${apiKey}` })

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewer = await signedInUser(t.app, { email: 'coder.bulletin@example.org', recoveryKey: t.recoveryKey })
    leads = []
    for (const name of ['a', 'b', 'c']) {
      leads.push(await signedInUser(t.app, { email: `lead.${name}@example.org`, role: 'lead', recoveryKey: t.recoveryKey }))
    }
    apiKey = await createApiKey(t.app, 'north-east', 'bulletin')

    // The previous quarter: 10 reports, published. Then this quarter: 20 on time (the same themes, so they rise),
    // one with a learning point; and 2 late ones about the previous quarter, whose points are approved too.
    for (let i = 0; i < 10; i++) await fileCoded(monthString(previousFirst + (i % 3)))
    expect(await summariesAt(t.app, t.config, dayAfter(previousFirst, 20)).publish(previous)).toMatchObject({
      outcome: 'published'
    })
    const pointReport = await fileCoded(monthString(quarterFirst), POINT)
    for (let i = 0; i < 19; i++) await fileCoded(monthString(quarterFirst))
    const late = [await fileCoded(monthString(previousFirst), LATE_POINT), await fileCoded(monthString(previousFirst))]
    const approved = await approvePoints(t.app, [pointReport, ...late], { closer: reviewer, leads: leads.slice(1) })
    expect(approved.map((res) => res.statusCode)).toEqual([200, 200, 200, 200])

    // An alert issued and an action completed in the quarter (today is in it).
    const alert = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      headers: reviewer.headers,
      payload: { hazard: HAZARD, themes: ['TC.HO'], step: 'Check the address against the case record.', regions: [] }
    })
    expect(alert.statusCode, alert.body).toBe(201)
    const issued = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${alert.json().alert.id}/approve`,
      headers: leads[0]?.headers
    })
    expect(issued.statusCode, issued.body).toBe(200)
    const action = await t.app.actions.create(
      { description: ACTION, owner: 'Business support team', dueOn: '2030-01-31', themes: ['TC.HO'], reportIds: [pointReport] },
      pointReport
    )
    await t.app.actions.update(action.id, { status: 'agreed' })
    await t.app.actions.update(action.id, { status: 'done', outcome: 'Minutes now go out after a second check.' })

    expect(await summariesAt(t.app, t.config, dayAfter(quarterFirst, 20)).publish(quarter)).toMatchObject({
      outcome: 'published',
      reports: 22
    })
  }, 240_000)
  afterAll(() => t?.close())

  it('is drafted from a published quarter only, with commentary redacted, and needs two approvers besides the drafter', async () => {
    const unpublished = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bulletins/drafts',
      headers: leads[0]?.headers,
      payload: { quarter: quarterOf(quarterFirst + 3) }
    })
    expect(unpublished.statusCode).toBe(409)

    for (const scope of ['national', 'north-east']) {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/bulletins/drafts',
        headers: leads[0]?.headers,
        payload: { quarter, scope }
      })
      expect(created.statusCode, created.body).toBe(201)
      const draft = created.json()
      drafts[scope] = draft.id
      expect(draft).toMatchObject({ status: 'draft', approvals: 0, draftedByYou: true })
      expect(draft.content.learningPoints).toEqual([{ text: POINT, commentary: '' }])
      expect(JSON.stringify(draft.content)).not.toContain('Quillimore')
      expect(draft.content.alerts.map((one: { hazard: string }) => one.hazard)).toEqual([HAZARD])
      expect(draft.content.actions.map((one: { description: string }) => one.description)).toEqual([ACTION])
    }
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bulletins/drafts',
      headers: reviewer.headers,
      payload: { quarter, scope: 'north-east' }
    })
    expect(again.statusCode).toBe(409)
    // The list gives the console what a new draft can be made from: the published quarters and the scopes.
    const listed = await get('/api/v1/bulletins/drafts', { cookie: reviewer.cookie })
    expect(listed.statusCode, listed.body).toBe(200)
    expect(listed.json()).toMatchObject({ quarters: [quarter, previous], scopes: ['national', ...t.config.regions] })
    expect(listed.json().bulletins.map((one: { content: { scope: string } }) => one.content.scope)).toEqual(['national', 'north-east'])

    const id = drafts.national as string
    // One approval, then an edit: the approval no longer counts (it was of other words).
    expect((await approve(id, leads[1] as SignedIn)).json()).toMatchObject({ approvals: 1, status: 'draft' })
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/bulletins/drafts/${id}`,
      headers: reviewer.headers,
      payload: {
        introduction: 'What the regions learnt this quarter.',
        commentary: [{ point: 0, text: `A simple check that works; ask ${COMMENTARY_EMAIL} for the checklist.` }]
      }
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(edited.json().approvals).toBe(0)
    const commentary = edited.json().content.learningPoints[0].commentary as string
    expect(commentary).toContain('A simple check that works')
    expect(commentary).not.toContain(COMMENTARY_EMAIL)

    // The drafter cannot approve; a reviewer is no approver; one lead is not enough.
    expect((await approve(id, leads[0] as SignedIn)).statusCode).toBe(403)
    expect((await approve(id, reviewer)).statusCode).toBe(403)
    expect((await approve(id, leads[1] as SignedIn)).json()).toMatchObject({ approvals: 1, status: 'draft' })
    expect((await get(`/bulletins/${quarter}`)).statusCode).toBe(404)
    expect((await pullJson(quarter)).statusCode).toBe(404)

    const second = await approve(id, leads[2] as SignedIn)
    expect(second.json()).toMatchObject({ approvals: 2, status: 'approved', approvedOn: now.toISOString().slice(0, 10) })
    expect((await approve(id, leads[2] as SignedIn)).statusCode).toBe(409)
    const late = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/bulletins/drafts/${id}`,
      headers: reviewer.headers,
      payload: { introduction: 'Changed after approval.' }
    })
    expect(late.statusCode).toBe(409)

    for (const lead of leads.slice(1)) expect((await approve(drafts['north-east'] as string, lead)).statusCode).toBe(200)
  })

  it('serves frozen JSON to API keys: byte-identical, no count from 1 to 9, no point of a small row', async () => {
    for (const path of [quarter, `${quarter}/north-east`]) {
      const [one, two] = [await pullJson(path), await pullJson(path)]
      expect(one.statusCode, one.body).toBe(200)
      expect(one.rawPayload.equals(two.rawPayload)).toBe(true)
      const bulletin = ZBulletin.parse(one.json())
      expect(bulletin.headline).toMatchObject({ status: 'published', reportsOnTime: 20, reportsLate: '[c]' })
      expect(bulletin.themes.length).toBeGreaterThan(0)
      expect(bulletin.rising).toMatchObject({ previousQuarter: previous })
      expect(bulletin.rising.themes.length).toBeGreaterThan(0)
      expect(figuresOf(bulletin).every(noSmallCount)).toBe(true)
      expect(one.body).not.toContain('Quillimore')
      expect(one.body).toContain(POINT)
    }
    expect((await get(`/api/v1/bulletins/${quarter}`)).statusCode).toBe(401)
  })

  it('is public as HTML under the strict CSP, with the charts as SVG and nothing identifying', async () => {
    const page = await get(`/bulletins/${quarter}`)
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(page.body).not.toMatch(/<script|style=|<style/)
    expect(page.body).toContain(`fill="${THEME_COLOUR}"`)
    expect(page.body).toContain(`fill="${RISING_COLOUR}"`)
    expect(page.body).toContain(POINT)
    expect(page.body).toContain('A simple check that works')
    expect(page.body).toContain(HAZARD)
    const reports = await t.app.db.prisma.report.findMany({ select: { id: true } })
    for (const body of [page.body, (await get(`/bulletins/${quarter}/north-east`)).body]) {
      expect(body).not.toContain('Quillimore')
      expect(body).not.toContain(COMMENTARY_EMAIL)
      for (const { id } of reports) expect(body).not.toContain(id)
      // The published figures in the page: none from 1 to 9.
      for (const [, value] of body.matchAll(/<(?:dd|td)>([^<]*)</g)) expect(noSmallCount(Number(value) || value)).toBe(true)
    }
    expect((await get(`/bulletins/${quarter}/london`)).statusCode).toBe(404)
    expect((await get(`/bulletins/${quarter}/national`)).statusCode).toBe(404)
    expect((await pullJson(`${quarter}/national`)).statusCode).toBe(404)
    // Public reads are nobody's business: no request line names a bulletin page (as for the reporter form).
    expect(t.logs.text).not.toContain(`/bulletins/${quarter}`)
    // Nothing of the late reports' learning point reached the logs either.
    expect(t.logs.text).not.toContain('Quillimore')
    expect((await get('/bulletins/bulletin.css')).headers['content-type']).toMatch(/^text\/css/)
  })

  it.skipIf(!hasPoppler())('renders the PDF with its charts (pages drawn by pdftoppm) and the same bytes on every pull', async () => {
    const [one, two] = [await get(`/bulletins/${quarter}.pdf`), await get(`/bulletins/${quarter}.pdf`)]
    expect(one.statusCode).toBe(200)
    expect(one.headers['content-type']).toBe('application/pdf')
    expect(one.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    expect(one.rawPayload.equals(two.rawPayload)).toBe(true)

    const dir = mkdtempSync(join(tmpdir(), 'candid-bulletin-'))
    try {
      writeFileSync(join(dir, 'bulletin.pdf'), one.rawPayload)
      execFileSync('pdftoppm', ['-r', '72', '-png', join(dir, 'bulletin.pdf'), join(dir, 'page')])
      const pages = readdirSync(dir).filter((name) => name.endsWith('.png')).sort()
      expect(pages.length).toBeGreaterThan(0)
      const counts = new Map<string, number>([[THEME_COLOUR, 0], [RISING_COLOUR, 0]])
      for (const name of pages) {
        const png = PNG.sync.read(readFileSync(join(dir, name)))
        for (let i = 0; i < png.data.length; i += 4) {
          for (const colour of counts.keys()) {
            const [r, g, b] = rgb(colour)
            const [pr, pg, pb] = [png.data[i], png.data[i + 1], png.data[i + 2]] as [number, number, number]
            if (near(pr, r) && near(pg, g) && near(pb, b)) {
              counts.set(colour, (counts.get(colour) ?? 0) + 1)
            }
          }
        }
      }
      // Bars of the themes chart (blue) and of the rising chart (orange): hundreds of pixels each at 72 dpi.
      expect(counts.get(THEME_COLOUR)).toBeGreaterThan(300)
      expect(counts.get(RISING_COLOUR)).toBeGreaterThan(100)
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'bulletin.pdf'), '-']).toString()
      expect(text).toContain('Read the address back to the sender')
      expect(text).toMatch(/Reports about the quarter: 20\b/)
      expect(text).toContain('Late reports about earlier quarters: [c]')
      // Every figure after a colon in the PDF's text: none from 1 to 9.
      for (const [, value] of text.matchAll(/: (\d+)\s*$/gm)) expect(noSmallCount(Number(value))).toBe(true)
      expect(text).not.toContain('Quillimore')
      expect(text).not.toContain(COMMENTARY_EMAIL)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lists every approved bulletin in a valid Atom feed with stable ids and dates', async () => {
    const [one, two] = [await get('/bulletins/feed.atom'), await get('/bulletins/feed.atom')]
    expect(one.statusCode).toBe(200)
    expect(one.headers['content-type']).toMatch(/^application\/atom\+xml/)
    expect(one.body).toBe(two.body)
    const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' || name === 'link' })
      .parse(one.body)
    const feed = parsed.feed
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom')
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(feed.title).toBeTruthy()
    expect(feed.author.name).toBe('Candid')
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T00:00:00Z$/
    expect(feed.updated).toMatch(rfc3339)
    const entries = feed.entry as { id: string; title: string; updated: string; link: { '@_href': string; '@_rel': string }[] }[]
    expect(entries).toHaveLength(2)
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(2)
    expect(entries.map((entry) => entry.id).sort()).toEqual(
      Object.values(drafts).map((id) => `urn:uuid:${id}`).sort()
    )
    for (const entry of entries) {
      expect(entry.title).toBeTruthy()
      expect(entry.updated).toMatch(rfc3339)
      expect(Number.isNaN(Date.parse(entry.updated))).toBe(false)
      const hrefs = entry.link.filter((link) => link['@_rel'] === 'alternate').map((link) => link['@_href'])
      expect(hrefs).toHaveLength(2)
      for (const href of hrefs) expect((await get(href)).statusCode).toBe(200)
    }
    expect(entries.flatMap((entry) => entry.link.map((link) => link['@_href']))).toEqual(
      expect.arrayContaining([`/bulletins/${quarter}`, `/bulletins/${quarter}/north-east.pdf`])
    )
  })

  describe.skipIf(!hasChromium())('in Chromium', () => {
    it('passes axe-core (WCAG 2.2 AA) and loads nothing from elsewhere', async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 })
      origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
      const browser = await launchChromium()
      try {
        const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
        const requested: string[] = []
        const blocked: string[] = []
        page.on('request', (request) => requested.push(request.url()))
        // Anything the page asked for and did not get (a stylesheet refused, say); the browser's own favicon aside.
        page.on('response', (response) => {
          if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) blocked.push(response.url())
        })
        await page.goto(`${origin}/bulletins/${quarter}`)
        await expect(page.title()).resolves.toContain(quarter)
        const violations = (await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations
        expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
        expect(requested.every((url) => url.startsWith(origin))).toBe(true)
        expect(blocked).toEqual([])
        expect(await page.locator('svg[role="img"] rect').count()).toBeGreaterThan(2)
      } finally {
        await browser.close()
      }
    })
  })
})
