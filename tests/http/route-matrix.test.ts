import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../helpers/api-keys.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUsersRepository } from '../../src/modules/users/users.repository.js'
import { createUsersService } from '../../src/modules/users/users.service.js'
import { cookieOf, createUser, PASSWORD, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

/**
 * The role × route matrix: every route the app has, called as each kind of caller, each expecting its documented
 * status. The routes are enumerated from the app itself, so a route added without a row here (or a row left
 * behind by a removed route) fails the first test rather than going unchecked.
 */

/**
 * The callers: no one, the three roles with their session, and `regional` — a regional group's API key, sent as
 * `Authorization: Bearer` with no session. R24: a key gets 403 on every review route (a known caller without the
 * right), and opens nothing but the quarterly summaries of its region.
 */
/** The console's entry script, as the built page names it (tests/setup/console-build.ts builds it). */
const consoleScript = () =>
  /src="(\/console\/assets\/[^"]+\.js)"/.exec(readFileSync(new URL('../../dist/console/index.html', import.meta.url), 'utf8'))?.[1] ?? ''

const COLUMNS = ['anonymous', 'reviewer', 'lead', 'admin', 'regional'] as const
// A disabled account's session is checked against the anonymous column, in a test of its own.
type Column = (typeof COLUMNS)[number]
type Role = Exclude<Column, 'anonymous' | 'regional'>
type Expected = readonly [anonymous: number, reviewer: number, lead: number, admin: number, regional: number]

/**
 * What each caller must get, route by route ("METHOD /path", parameters as {name}). A success status (or a 4xx
 * that only the handler gives, noted) means the caller got past authorisation; 401 is "no session", 403 "not your
 * role". Signed-in callers send their cookie and X-CSRF-Token on every request, reporter routes included: a session
 * must change nothing there.
 */
const MATRIX = {
  // The reporter's side and the operators' probes: anyone, signed in or not.
  'GET /': [200, 200, 200, 200, 200],
  'GET /assets/form.css': [200, 200, 200, 200, 200],
  'GET /assets/form.js': [200, 200, 200, 200, 200],
  'GET /receipt': [200, 200, 200, 200, 200],
  'GET /assets/receipt.js': [200, 200, 200, 200, 200],
  // The review console's page and bundle hold no data (everything comes from the API after sign-in).
  'GET /console': [200, 200, 200, 200, 200],
  'GET /console/': [200, 200, 200, 200, 200],
  'GET /console/assets/{file}': [200, 200, 200, 200, 200],
  'GET /health/live': [200, 200, 200, 200, 200],
  'GET /health/ready': [200, 200, 200, 200, 200],
  'POST /api/v1/redaction/preview': [200, 200, 200, 200, 200],
  // Routes at a prefix itself are registered as '' (not '/'), so there is no trailing-slash twin; a twin, if one
  // ever appears, becomes a row of its own (see served()).
  'POST /api/v1/reports': [201, 201, 201, 201, 201],
  'GET /api/v1/receipts/{receipt}': [200, 200, 200, 200, 200],
  'POST /api/v1/receipts/{receipt}/messages': [201, 201, 201, 201, 201],
  'POST /api/v1/receipts/{receipt}/withdraw': [200, 200, 200, 200, 200],

  // The API documentation (@fastify/swagger-ui): public by design, it describes routes, never data. Listed one by
  // one like any route, so a new documentation route shows up here too; index.html redirects to /docs/.
  'GET /docs': [200, 200, 200, 200, 200],
  'GET /docs/': [200, 200, 200, 200, 200],
  'GET /docs/static/index.html': [302, 302, 302, 302, 302],
  'GET /docs/static/swagger-initializer.js': [200, 200, 200, 200, 200],
  'GET /docs/json': [200, 200, 200, 200, 200],
  'GET /docs/yaml': [200, 200, 200, 200, 200],
  'GET /docs/static/*': [200, 200, 200, 200, 200],

  // Signing in is open to anyone with credentials; the rest of /auth needs a session of any role.
  'POST /api/v1/auth/login': [200, 200, 200, 200, 200],
  'GET /api/v1/auth/session': [401, 200, 200, 200, 403],
  // 400 is the service refusing a weak new password: only a caller past requireRole gets that far, and nothing
  // changes (a wrong current password would answer 403, which could not be told from a refused role).
  'POST /api/v1/auth/password': [401, 400, 400, 400, 403],
  'POST /api/v1/auth/recover': [401, 200, 200, 200, 403],
  'POST /api/v1/auth/logout': [401, 204, 204, 204, 403],

  // Reports are for reviewers and leads; admins manage accounts and do not read them.
  'GET /api/v1/reports': [401, 200, 200, 403, 403],
  'GET /api/v1/reports/{id}': [401, 200, 200, 403, 403],
  'PATCH /api/v1/reports/{id}': [401, 200, 200, 403, 403],
  'GET /api/v1/reports/{id}/duplicates': [401, 200, 200, 403, 403],
  'POST /api/v1/reports/{id}/merge': [401, 200, 200, 403, 403],
  'POST /api/v1/reports/{id}/codings': [401, 201, 201, 403, 403],
  'POST /api/v1/reports/{id}/questions': [401, 201, 201, 403, 403],
  'POST /api/v1/reports/{id}/responses': [401, 201, 201, 403, 403],
  // Regional keys read the taxonomy too, for the labels and definitions of the codes in their summaries.
  'GET /api/v1/taxonomy': [401, 200, 200, 403, 200],

  // Analysis is for safety leads.
  'GET /api/v1/analysis/agreement': [401, 403, 200, 403, 403],
  'GET /api/v1/analysis/trends': [401, 403, 200, 403, 403],
  'GET /api/v1/analysis/cooccurrence': [401, 403, 200, 403, 403],
  'GET /api/v1/analysis/rising': [401, 403, 200, 403, 403],
  // Leads approve learning points for publication; 404 is the handler's (no such consented point): past the role.
  'GET /api/v1/learning-points': [401, 403, 200, 403, 403],
  'POST /api/v1/learning-points/{codingId}/approvals': [401, 403, 404, 403, 403],
  // Regional summaries take an API key only: no session of any role opens them (tests/summaries covers the key).
  'GET /api/v1/summaries/quarterly': [401, 401, 401, 401, 200],
  'GET /api/v1/summaries': [401, 401, 401, 401, 200],
  'GET /api/v1/summaries/series': [401, 401, 401, 401, 200],

  // Account administration is for admins.
  'GET /api/v1/users': [401, 403, 403, 200, 403],
  'POST /api/v1/users/{id}/grant': [401, 403, 403, 200, 403],

  // Hazard alerts: reviewers and leads draft, leads approve (never their own draft), admins manage receivers, and
  // the regional list takes an API key only.
  'GET /api/v1/alerts': [401, 401, 401, 401, 200],
  'POST /api/v1/alerts': [401, 201, 201, 403, 403],
  'GET /api/v1/alerts/{id}': [401, 200, 200, 403, 403],
  'POST /api/v1/alerts/{id}/approve': [401, 403, 200, 403, 403],
  'POST /api/v1/alerts/recipients': [401, 403, 403, 201, 403],
  'POST /api/v1/alerts/webhooks': [401, 403, 403, 201, 403],
  // Actions ("you said, we did") are recorded and moved on by leads.
  'GET /api/v1/actions': [401, 403, 200, 403, 403],
  'POST /api/v1/actions': [401, 403, 201, 403, 403],
  'PATCH /api/v1/actions/{id}': [401, 403, 200, 403, 403],
  // Learning bulletins: reviewers and leads draft and edit, leads approve (never their own draft); approved ones are
  // public (HTML, PDF, Atom) and JSON for any API key. None is approved here, so the documents are 404.
  'POST /api/v1/bulletins/drafts': [401, 201, 201, 403, 403],
  'GET /api/v1/bulletins/drafts': [401, 200, 200, 403, 403],
  'GET /api/v1/bulletins/drafts/{id}': [401, 200, 200, 403, 403],
  'PATCH /api/v1/bulletins/drafts/{id}': [401, 200, 200, 403, 403],
  'POST /api/v1/bulletins/drafts/{id}/approvals': [401, 403, 200, 403, 403],
  'GET /api/v1/bulletins/{quarter}': [401, 401, 401, 401, 404],
  'GET /api/v1/bulletins/{quarter}/{region}': [401, 401, 401, 401, 404],
  'GET /bulletins/bulletin.css': [200, 200, 200, 200, 200],
  'GET /bulletins/feed.atom': [200, 200, 200, 200, 200],
  'GET /bulletins/{name}': [404, 404, 404, 404, 404],
  'GET /bulletins/{quarter}/{name}': [404, 404, 404, 404, 404],
  'POST /api/v1/users': [401, 403, 403, 201, 403],
  'POST /api/v1/users/{id}/reset-authenticator': [401, 403, 403, 200, 403],
  'POST /api/v1/users/{id}/disable': [401, 403, 403, 200, 403],
  'POST /api/v1/users/{id}/enable': [401, 403, 403, 200, 403],
  // Regional groups' keys and the publications they read are managed by admins; a key opens none of it.
  'GET /api/v1/api-keys': [401, 403, 403, 200, 403],
  'POST /api/v1/api-keys': [401, 403, 403, 201, 403],
  'POST /api/v1/api-keys/{prefix}/revoke': [401, 403, 403, 200, 403],
  'GET /api/v1/publications': [401, 403, 403, 200, 403],
  // 2026-Q3 is published before the matrix runs: publishing it again answers 200 "already" and changes nothing.
  'POST /api/v1/publications/{quarter}': [401, 403, 403, 200, 403],
  'GET /api/v1/publications/{quarter}/regions/{region}': [401, 403, 403, 200, 403],
  // Enrolment is for someone without a working account yet: anyone may try a link; an unknown one is 404 (handler).
  'POST /api/v1/enrolment/start': [404, 404, 404, 404, 404],
  'POST /api/v1/enrolment/complete': [404, 404, 404, 404, 404]
} as const satisfies Record<string, Expected>

type Route = keyof typeof MATRIX

type Fixtures = {
  /** A report filed before the matrix runs, for rows that change nothing a later row depends on. */
  report: { id: string; receipt: string }
  /**
   * A reviewer made without the team key, for the one grant the admin column makes. The login row signs it in
   * (anonymous column), which gives it the key box a grant is sealed to; the grant row comes later.
   */
  newcomerId: string
  /** A reviewer no other row needs, for the disable and enable rows. */
  disposableId: string
  /** The prefix of a key no other row uses, for the revoke row (revoking it again answers 200 too). */
  spareKeyPrefix: string
  /** A report of its own for one call, where the call changes the report's state (status, merge, withdrawal). */
  freshReport(): Promise<{ id: string; receipt: string }>
  /** The team's recovery key from this app's first start. */
  recoveryKey: string
  /** The regional group's API key (for london, whose 2026-Q3 summary is published). */
  apiKey: string
  /** A new draft alert, drafted by someone else than any caller (so a lead may approve it). */
  draftAlert(): Promise<string>
  /** One draft bulletin of 2026-Q3, drafted by someone else than any caller (made once, then reused). */
  draftBulletin(): Promise<string>
  /** A new proposed action. */
  newAction(): Promise<string>
  /** Credentials with a code not used yet (each TOTP time step signs a user in once). */
  loginBody(column: Column): Promise<{ email: string; password: string; totp: string }>
}

/** How to call a route: the URL and body for one caller; `session: 'spare'` for logout, which ends the session. */
type Call = { url: string; payload?: object; session?: 'spare' }

const CODING = {
  codes: [{ code: 'PA.SL.01', role: 'contributing' }],
  facets: {
    eventType: 'referral_not_progressed',
    reachAndHarm: 'near_miss',
    detection: 'colleague',
    setting: 'child_protection',
    handover: false
  },
  summary: 'A referral sat unread over a bank holiday weekend.'
}

const ALERT = { hazard: 'Invites go to old addresses.', themes: ['PA'], step: 'Check each address.', regions: [] }

const ACTION = { description: 'Check invites twice.', owner: 'Front door team', dueOn: '2030-01-31', themes: ['PA'] }

const TEXT = { text: 'Was the address on the invite typed in by hand or picked from the case record?' }

/**
 * The request each row makes; the route's method comes from its key. Every body and parameter passes the route's
 * schema, since Fastify validates before requireRole runs and a 400 there would hide the 401 or 403 looked for.
 */
const CALLS: Record<Route, (f: Fixtures, column: Column) => Call | Promise<Call>> = {
  'GET /': () => ({ url: '/' }),
  'GET /assets/form.css': () => ({ url: '/assets/form.css' }),
  'GET /assets/form.js': () => ({ url: '/assets/form.js' }),
  'GET /receipt': () => ({ url: '/receipt' }),
  'GET /assets/receipt.js': () => ({ url: '/assets/receipt.js' }),
  'GET /console': () => ({ url: '/console' }),
  'GET /console/': () => ({ url: '/console/' }),
  'GET /console/assets/{file}': () => ({ url: consoleScript() }),
  'GET /health/live': () => ({ url: '/health/live' }),
  'GET /health/ready': () => ({ url: '/health/ready' }),
  'POST /api/v1/redaction/preview': () => ({ url: '/api/v1/redaction/preview', payload: TEXT }),
  'POST /api/v1/reports': () => ({ url: '/api/v1/reports', payload: reportBody() }),
  'GET /api/v1/receipts/{receipt}': (f) => ({ url: `/api/v1/receipts/${f.report.receipt}` }),
  'POST /api/v1/receipts/{receipt}/messages': (f) => ({
    url: `/api/v1/receipts/${f.report.receipt}/messages`,
    payload: { text: 'Picked from the case record, which still had the old address.' }
  }),
  'POST /api/v1/receipts/{receipt}/withdraw': async (f) => ({
    url: `/api/v1/receipts/${(await f.freshReport()).receipt}/withdraw`,
    payload: { confirm: true }
  }),

  'GET /docs': () => ({ url: '/docs' }),
  'GET /docs/': () => ({ url: '/docs/' }),
  'GET /docs/static/index.html': () => ({ url: '/docs/static/index.html' }),
  'GET /docs/static/swagger-initializer.js': () => ({ url: '/docs/static/swagger-initializer.js' }),
  'GET /docs/json': () => ({ url: '/docs/json' }),
  'GET /docs/yaml': () => ({ url: '/docs/yaml' }),
  'GET /docs/static/*': () => ({ url: '/docs/static/swagger-ui.css' }),

  'POST /api/v1/auth/login': async (f, column) => ({ url: '/api/v1/auth/login', payload: await f.loginBody(column) }),
  'GET /api/v1/auth/session': () => ({ url: '/api/v1/auth/session' }),
  'POST /api/v1/auth/password': () => ({
    url: '/api/v1/auth/password',
    payload: { currentPassword: PASSWORD, newPassword: 'short' }
  }),
  // Every role user can unseal already: recovering re-wraps the same team key, so later rows see no change.
  'POST /api/v1/auth/recover': (f) => ({
    url: '/api/v1/auth/recover',
    payload: { password: PASSWORD, recoveryKey: f.recoveryKey }
  }),
  'POST /api/v1/auth/logout': () => ({ url: '/api/v1/auth/logout', session: 'spare' }),

  'GET /api/v1/reports': () => ({ url: '/api/v1/reports' }),
  'GET /api/v1/reports/{id}': (f) => ({ url: `/api/v1/reports/${f.report.id}` }),
  // A fresh report each time, so the move is always new → in review, whatever ran before.
  'PATCH /api/v1/reports/{id}': async (f) => ({
    url: `/api/v1/reports/${(await f.freshReport()).id}`,
    payload: { status: 'in_review' }
  }),
  'GET /api/v1/reports/{id}/duplicates': (f) => ({ url: `/api/v1/reports/${f.report.id}/duplicates` }),
  // Two fresh reports per call: a merged report cannot be merged again.
  'POST /api/v1/reports/{id}/merge': async (f) => ({
    url: `/api/v1/reports/${(await f.freshReport()).id}/merge`,
    payload: { into: (await f.freshReport()).id }
  }),
  // Each reviewer's first coding of a report is 201 (a second would replace it: 200).
  'POST /api/v1/reports/{id}/codings': (f) => ({ url: `/api/v1/reports/${f.report.id}/codings`, payload: CODING }),
  'POST /api/v1/reports/{id}/questions': (f) => ({ url: `/api/v1/reports/${f.report.id}/questions`, payload: TEXT }),
  'POST /api/v1/reports/{id}/responses': (f) => ({ url: `/api/v1/reports/${f.report.id}/responses`, payload: TEXT }),
  'GET /api/v1/taxonomy': () => ({ url: '/api/v1/taxonomy' }),

  'GET /api/v1/analysis/agreement': () => ({ url: '/api/v1/analysis/agreement' }),
  'GET /api/v1/analysis/trends': () => ({ url: '/api/v1/analysis/trends?groupBy=region' }),
  'GET /api/v1/analysis/cooccurrence': () => ({ url: '/api/v1/analysis/cooccurrence' }),
  'GET /api/v1/analysis/rising': () => ({ url: '/api/v1/analysis/rising' }),
  'GET /api/v1/learning-points': () => ({ url: '/api/v1/learning-points' }),
  'POST /api/v1/learning-points/{codingId}/approvals': () => ({
    url: '/api/v1/learning-points/00000000-0000-4000-8000-000000000000/approvals',
    payload: { flagsReviewed: false }
  }),
  'GET /api/v1/summaries/quarterly': () => ({ url: '/api/v1/summaries/quarterly?quarter=2026-Q3&region=london' }),
  'GET /api/v1/summaries': () => ({ url: '/api/v1/summaries?region=london' }),
  'GET /api/v1/summaries/series': () => ({ url: '/api/v1/summaries/series?region=london&from=2026-Q1&to=2026-Q4' }),

  'GET /api/v1/users': () => ({ url: '/api/v1/users' }),
  'POST /api/v1/users/{id}/grant': (f) => ({ url: `/api/v1/users/${f.newcomerId}/grant` }),

  'GET /api/v1/alerts': () => ({ url: '/api/v1/alerts' }),
  'POST /api/v1/alerts': () => ({ url: '/api/v1/alerts', payload: ALERT }),
  'GET /api/v1/alerts/{id}': async (f) => ({ url: `/api/v1/alerts/${await f.draftAlert()}` }),
  'POST /api/v1/alerts/{id}/approve': async (f) => ({ url: `/api/v1/alerts/${await f.draftAlert()}/approve` }),
  'POST /api/v1/alerts/recipients': () => ({
    url: '/api/v1/alerts/recipients',
    payload: { region: 'london', email: 'duty@london.example.org' }
  }),
  'POST /api/v1/alerts/webhooks': () => ({
    url: '/api/v1/alerts/webhooks',
    payload: { region: 'london', url: 'https://hooks.example.org/candid' }
  }),
  'GET /api/v1/actions': () => ({ url: '/api/v1/actions?overdue=true' }),
  'POST /api/v1/actions': () => ({ url: '/api/v1/actions', payload: ACTION }),
  'PATCH /api/v1/actions/{id}': async (f) => ({ url: `/api/v1/actions/${await f.newAction()}`, payload: { status: 'agreed' } }),
  // Each drafting caller drafts a bulletin of its own scope (one per quarter and scope).
  'POST /api/v1/bulletins/drafts': (_f, column) => ({
    url: '/api/v1/bulletins/drafts',
    payload: { quarter: '2026-Q3', scope: column === 'lead' ? 'london' : 'national' }
  }),
  'GET /api/v1/bulletins/drafts': () => ({ url: '/api/v1/bulletins/drafts' }),
  'GET /api/v1/bulletins/drafts/{id}': async (f) => ({ url: `/api/v1/bulletins/drafts/${await f.draftBulletin()}` }),
  'PATCH /api/v1/bulletins/drafts/{id}': async (f) => ({
    url: `/api/v1/bulletins/drafts/${await f.draftBulletin()}`,
    payload: { introduction: 'What we learnt.' }
  }),
  'POST /api/v1/bulletins/drafts/{id}/approvals': async (f) => ({
    url: `/api/v1/bulletins/drafts/${await f.draftBulletin()}/approvals`
  }),
  'GET /api/v1/bulletins/{quarter}': () => ({ url: '/api/v1/bulletins/2026-Q3' }),
  'GET /api/v1/bulletins/{quarter}/{region}': () => ({ url: '/api/v1/bulletins/2026-Q3/london' }),
  'GET /bulletins/bulletin.css': () => ({ url: '/bulletins/bulletin.css' }),
  'GET /bulletins/feed.atom': () => ({ url: '/bulletins/feed.atom' }),
  'GET /bulletins/{name}': () => ({ url: '/bulletins/2026-Q3.pdf' }),
  'GET /bulletins/{quarter}/{name}': () => ({ url: '/bulletins/2026-Q3/london' }),
  'POST /api/v1/users': () => ({ url: '/api/v1/users', payload: { email: `${randomUUID()}@example.org`, role: 'reviewer' } }),
  'POST /api/v1/users/{id}/reset-authenticator': (f) => ({ url: `/api/v1/users/${f.newcomerId}/reset-authenticator` }),
  'POST /api/v1/users/{id}/disable': (f) => ({ url: `/api/v1/users/${f.disposableId}/disable` }),
  'POST /api/v1/users/{id}/enable': (f) => ({ url: `/api/v1/users/${f.disposableId}/enable` }),
  'GET /api/v1/api-keys': () => ({ url: '/api/v1/api-keys' }),
  'POST /api/v1/api-keys': () => ({ url: '/api/v1/api-keys', payload: { region: 'london', label: 'matrix' } }),
  'POST /api/v1/api-keys/{prefix}/revoke': (f) => ({ url: `/api/v1/api-keys/${f.spareKeyPrefix}/revoke` }),
  'GET /api/v1/publications': () => ({ url: '/api/v1/publications' }),
  'POST /api/v1/publications/{quarter}': () => ({ url: '/api/v1/publications/2026-Q3' }),
  'GET /api/v1/publications/{quarter}/regions/{region}': () => ({ url: '/api/v1/publications/2026-Q3/regions/london' }),
  'POST /api/v1/enrolment/start': () => ({ url: '/api/v1/enrolment/start', payload: { token: 'x'.repeat(43) } }),
  'POST /api/v1/enrolment/complete': () => ({
    url: '/api/v1/enrolment/complete',
    payload: { token: 'x'.repeat(43), totp: '123456' }
  })
}

type Response = Awaited<ReturnType<FastifyInstance['inject']>>

/** Turns a route as Fastify registered it (`:id`) into the matrix's notation (`{id}`). */
const routeKey = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`

/**
 * Collects every route of the next Fastify instance created. A hook added in createTestApp's `extend` would see
 * none of them: buildApp awaits each module's registration, so by then every route exists already. Fastify
 * publishes each new instance on the 'fastify.initialization' diagnostics channel before anything is registered,
 * which is the one place an onRoute hook sees them all.
 */
const collectRoutes = () => {
  const registered: { method: string; url: string }[] = []
  let instance: FastifyInstance | undefined
  const onInitialization = (message: unknown) => {
    if (instance) {
      return
    }
    instance = (message as { fastify: FastifyInstance }).fastify
    instance.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        registered.push({ method, url: route.url })
      }
    })
  }
  subscribe('fastify.initialization', onInitialization)
  const stop = () => unsubscribe('fastify.initialization', onInitialization)

  return {
    instance: () => instance,
    stop,
    /**
     * The routes as the router serves them. A route at '/' under a prefix is also served at prefix + '/', which
     * Fastify registers without calling onRoute again (for GET and POST; it does call it for HEAD): the router is
     * asked for that twin of every route. HEAD routes are Fastify's copies of GET routes (same handler and hooks)
     * and are checked apart from the matrix.
     */
    served: (app: FastifyInstance) => {
      const routes = new Set<string>()
      const headRoutes = new Set<string>()
      for (const { method, url } of registered) {
        const urls = [url]
        if (!url.endsWith('/') && !url.endsWith('*') && app.hasRoute({ method: method as 'GET', url: `${url}/` })) {
          urls.push(`${url}/`)
        }
        for (const path of urls) {
          ;(method === 'HEAD' ? headRoutes : routes).add(routeKey(method, path))
        }
      }
      return { routes, headRoutes }
    }
  }
}

describe('role × route matrix', () => {
  const collected = collectRoutes()
  let t: TestApp
  let served: { routes: Set<string>; headRoutes: Set<string> }
  let fixtures: Fixtures
  const users = {} as Record<Role, TestUser>
  const sessions = {} as Record<Role, SignedIn>
  const spareSessions: Partial<Record<Role, SignedIn>> = {}

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_INTAKE_PER_10MIN: '1000',
        RATE_LIMIT_RECEIPT_PER_MIN: '1000',
        RATE_LIMIT_PREVIEW_PER_MIN: '1000',
        RATE_LIMIT_LOGIN_PER_MIN: '1000',
        // Every route is tried without a valid key by four callers and for HEAD too: well past the default 20.
        RATE_LIMIT_API_KEY_FAILURES_PER_MIN: '1000'
      },
      extend: (app) => {
        collected.stop()
        // The routes collected must be this app's, not those of some other instance made along the way.
        if (collected.instance() !== app) {
          throw new Error('the onRoute hook was added to another Fastify instance than the app')
        }
      }
    })
    served = collected.served(t.app)
    const recoveryKey = t.recoveryKey
    if (!recoveryKey) {
      throw new Error('the test app made no team key')
    }

    for (const role of ['reviewer', 'lead', 'admin'] as const) {
      const user = await createUser(t.app, { email: `${role}@example.org`, role, recoveryKey })
      users[role] = user
      sessions[role] = await signIn(t.app, user)
    }
    const newcomer = await createUser(t.app, { email: 'newcomer@example.org', role: 'reviewer' })
    const { id: newcomerId } = await t.app.db.prisma.user.findUniqueOrThrow({
      where: { email: newcomer.email },
      select: { id: true }
    })

    /** Files a report as a reporter would and finds its id, which the intake's answer (rightly) never gives. */
    const reportIds = async () => (await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id)
    const freshReport = async () => {
      const before = new Set(await reportIds())
      const res = await postReport(t.app)
      if (res.statusCode !== 201) {
        throw new Error(`intake failed: ${res.statusCode} ${res.body}`)
      }
      const added = (await reportIds()).filter((id) => !before.has(id))
      if (added.length !== 1 || !added[0]) {
        throw new Error(`expected one new report, found ${added.length}`)
      }
      return { id: added[0], receipt: (res.json() as { receipt: string }).receipt }
    }

    const apiKey = await createApiKey(t.app, 'london', 'route matrix')
    let bulletin: string | undefined
    const spareKeyPrefix = (await createApiKey(t.app, 'london', 'to revoke')).slice(0, 12)
    const disposable = await createUser(t.app, { email: 'disposable@example.org', role: 'reviewer' })
    const { id: disposableId } = await t.app.db.prisma.user.findUniqueOrThrow({
      where: { email: disposable.email },
      select: { id: true }
    })
    // A report about 2026-Q3 (coded or not): Candid was in use then, so the quarter can be published (issue 14.1).
    await postReport(t.app, reportBody({ occurredMonth: '2026-08', region: 'london' }))
    await t.app.summaries.publish('2026-Q3')

    fixtures = {
      report: await freshReport(),
      apiKey,
      newcomerId,
      disposableId,
      spareKeyPrefix,
      recoveryKey,
      freshReport,
      newAction: async () => (await t.app.actions.create({ ...ACTION, reportIds: [] }, randomUUID())).id,
      draftBulletin: async () => {
        bulletin ??= (await t.app.bulletins.create({ quarter: '2026-Q3', scope: 'north-east' }, randomUUID())).id
        return bulletin
      },
      draftAlert: async () => (await t.app.alerts.draft({ ...ALERT, regions: [] }, randomUUID())).alert.id,
      // Signed-in callers sign in again as themselves, at a time step signIn has not used (it starts at −1); an
      // anonymous caller signs in as the newcomer, for the first time, and the key holder as the newcomer again.
      loginBody: async (column) => {
        const user = column === 'anonymous' || column === 'regional' ? newcomer : users[column]
        const step = column === 'anonymous' ? 0 : 30_000
        return { email: user.email, password: user.password, totp: user.code(Date.now() + step) }
      }
    }
  })
  afterAll(async () => {
    collected.stop()
    await t?.close()
  })

  /** Calls a route as one column; `csrf` says which X-CSRF-Token a signed-in caller sends. */
  /**
   * Logout ends the session it is called with, so it gets one of its own: the one the login row made, else (the
   * logout row run alone) a sign-in at the next time step. Every other row keeps the main session.
   */
  const spareSession = async (role: Role) => {
    spareSessions[role] ??= await signIn(t.app, users[role])
    return spareSessions[role]
  }

  const callAs = async (
    route: Route,
    column: Column,
    { csrf = 'own', session: chosen }: { csrf?: 'own' | 'none' | 'foreign'; session?: SignedIn } = {}
  ): Promise<Response> => {
    const method = route.slice(0, route.indexOf(' ')) as InjectOptions['method']
    const call = await CALLS[route](fixtures, column)
    const headers: Record<string, string> = {}
    if (column === 'regional') {
      headers.authorization = `Bearer ${fixtures.apiKey}`
    } else if (column !== 'anonymous') {
      const session = chosen ?? (call.session === 'spare' ? await spareSession(column) : sessions[column])
      headers.cookie = session.cookie
      if (csrf === 'own') {
        headers['x-csrf-token'] = session.csrfToken
      } else if (csrf === 'foreign') {
        // A valid token, but of another user's session: tokens are bound to the session they came with.
        const other = column === 'admin' ? sessions.reviewer : sessions.admin
        headers['x-csrf-token'] = other.csrfToken
      }
    }
    const options: InjectOptions = { method, url: call.url, headers }
    if (call.payload) {
      options.payload = call.payload
    }
    const res = await t.app.inject(options)
    if (route === 'POST /api/v1/auth/login' && column !== 'anonymous' && column !== 'regional' && res.statusCode === 200) {
      const cookie = cookieOf(res)
      const csrfToken = (res.json() as { csrfToken: string }).csrfToken
      spareSessions[column] = { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } }
    }
    return res
  }

  const rows = Object.entries(MATRIX) as [Route, Expected][]

  it('has a row for every route the app serves, and none for a route it does not', () => {
    const appRoutes = [...served.routes].sort()
    const matrixRoutes = Object.keys(MATRIX).sort()

    expect(appRoutes.length).toBeGreaterThan(0)
    expect({
      missingFromMatrix: appRoutes.filter((route) => !(route in MATRIX)),
      notInApp: matrixRoutes.filter((route) => !served.routes.has(route))
    }).toEqual({ missingFromMatrix: [], notInApp: [] })
  })

  it('answers every caller on every route with its documented status', async () => {
    const seen: string[] = []
    const wanted: string[] = []
    for (const [route, expected] of rows) {
      for (const [index, column] of COLUMNS.entries()) {
        const res = await callAs(route, column)
        // One line per cell, so a failure lists every wrong cell at once, with the body that explains it.
        const cell = `${route} as ${column}:`
        seen.push(`${cell} ${res.statusCode}${res.statusCode === expected[index] ? '' : ` ${res.body.slice(0, 200)}`}`)
        wanted.push(`${cell} ${expected[index]}`)
      }
    }
    expect(seen).toEqual(wanted)
  })

  it('refuses every change made with a session but without its own X-CSRF-Token', async () => {
    // Session-guarded routes are those an anonymous caller gets 401 on; GETs change nothing and need no token.
    const guarded = rows.filter(([route, [anonymous]]) => anonymous === 401 && !route.startsWith('GET '))
    expect(guarded.length).toBeGreaterThan(0)
    const seen: string[] = []
    const wanted: string[] = []
    for (const [route, expected] of guarded) {
      // A caller whose role the route admits, so that the only thing wrong is the token.
      const column = COLUMNS.find(
        (candidate, index) =>
          candidate !== 'anonymous' && candidate !== 'regional' && expected[index] !== 401 && expected[index] !== 403
      ) as Role
      for (const csrf of ['none', 'foreign'] as const) {
        // The main session, also for logout: a refused logout ends nothing, and the spare session is gone by now.
        const res = await callAs(route, column, { csrf, session: sessions[column] })
        const { error, message } = res.json() as { error?: string; message?: string }
        // The message tells a CSRF refusal from a role refusal, which has the same status and code.
        const cell = `${route} as ${column}, token ${csrf}:`
        seen.push(`${cell} ${res.statusCode} ${error} ${message?.includes('X-CSRF-Token') ? 'CSRF' : message}`)
        wanted.push(`${cell} 403 FORBIDDEN CSRF`)
      }
    }
    expect(seen).toEqual(wanted)
  })

  it('gives a disabled account\'s session nothing a stranger could not have, and the account no sign-in', async () => {
    // R24's disabled-user column: a reviewer signed in, then disabled by an admin while the session lives on.
    const user = await createUser(t.app, { email: 'disabled@example.org', role: 'reviewer' })
    const session = await signIn(t.app, user)
    const crypto = t.app.keys.get()
    await createUsersService({
      repository: createUsersRepository(t.app.db.prisma),
      sodium: crypto.sodium,
      totpKey: crypto.totpKey
    }).disable(user.email)

    const seen: string[] = []
    const wanted: string[] = []
    for (const [route, [anonymous]] of rows) {
      // Signing in is a matter of credentials, not of the session: checked below.
      if (route === 'POST /api/v1/auth/login') continue
      const res = await callAs(route, 'reviewer', { session })
      seen.push(`${route} as disabled: ${res.statusCode}`)
      wanted.push(`${route} as disabled: ${anonymous}`)
    }
    expect(seen).toEqual(wanted)
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password, totp: user.code(Date.now() + 30_000) }
    })
    expect(login.statusCode).toBe(401)
  })

  it('answers HEAD as it answers GET, so no HEAD route gets past what guards its GET', async () => {
    const heads = [...served.headRoutes].sort()
    expect(heads.length).toBeGreaterThan(0)
    const seen: string[] = []
    const wanted: string[] = []
    for (const head of heads) {
      const route = head.replace(/^HEAD /, 'GET ') as Route
      expect(MATRIX, `${head} has no GET route in the matrix`).toHaveProperty([route])
      for (const [index, column] of COLUMNS.entries()) {
        const call = await CALLS[route](fixtures, column)
        const headers =
          column === 'anonymous'
            ? {}
            : column === 'regional'
              ? { authorization: `Bearer ${fixtures.apiKey}` }
              : { cookie: sessions[column].cookie }
        const res = await t.app.inject({ method: 'HEAD', url: call.url, headers })
        seen.push(`${head} as ${column}: ${res.statusCode}`)
        wanted.push(`${head} as ${column}: ${MATRIX[route][index]}`)
      }
    }
    expect(seen).toEqual(wanted)
  })
})
