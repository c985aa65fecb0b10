import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import {
  type AnswerCheck,
  bodyFor,
  brokenCounts,
  FUZZ_RUNS,
  brokenMonths,
  createAnswerCheck,
  months,
  pathParam,
  queryFor,
  text,
  withQuery
} from '../helpers/fuzz.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * Fuzzing the leads' analysis routes and the regional summaries (R39), as tests/http/fuzz-review.test.ts does the
 * review routes: ≥ 1,000 cases each on PostgreSQL (FUZZ_RUNS), only documented answers, never a 5xx, errors in
 * the one shape.
 */

const RUNS = { numRuns: FUZZ_RUNS }
const TIMEOUT_MS = 120_000

const quarters = fc
  .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 4 }))
  .map(([year, q]) => `${year}-Q${q}`)
const periods = fc.oneof(months, quarters, fc.constantFrom('2025-10', '2026-Q1', '2026-03'))
const brokenPeriods = fc.oneof(brokenMonths, fc.constantFrom('2026-Q0', '2026-Q5', '2026Q1', '2026-q1', '2100-Q1'))
const codes = fc.constantFrom('PA', 'PA.SL', 'PA.SL.01', 'TC.HO', 'TC.HO.02', 'OR.RE.01', 'ZZ', 'PA.ZZ.99')
const brokenCodes = fc.oneof(fc.constantFrom('pa', 'PA.', 'PA.SL.1', 'PA.SL.001', 'P', ''), text(20))
const anyText = { valid: fc.constantFrom('london', 'court', 'near_miss', 'colleague', 'nowhere'), broken: text(70) }

type Caller = 'lead' | 'none' | 'reviewer' | 'apiKey'
type KeyCaller = 'key' | 'otherKey' | 'none' | 'lead'
const leadMostly = fc.oneof(
  { weight: 17, arbitrary: fc.constant<Caller>('lead') },
  fc.constantFrom<Caller>('none', 'reviewer', 'apiKey')
)
const keyMostly = fc.oneof(
  { weight: 17, arbitrary: fc.constant<KeyCaller>('key') },
  fc.constantFrom<KeyCaller>('otherKey', 'none', 'lead')
)

/**
 * Cases that must run on every seed, so that `expectSeen` does not hang on chance: at 250 random cases (PGlite) a
 * summaries route's 200, 401, 403 or 406 is only a few percent of the cases, and a seed may miss one. `valid` is a
 * query the London key may read (200), `missing` one it may read but nothing is published for (404).
 */
const everyAnswer = (valid: string, missing?: string): [KeyCaller, string, string | undefined][] => [
  ['key', valid, undefined],
  ['none', valid, undefined],
  ['otherKey', valid, undefined],
  ['key', valid, 'application/xml'],
  ...(missing ? [['key', missing, undefined] as [KeyCaller, string, undefined]] : [])
]

describe('fuzzing the analysis and summaries routes: only documented answers, never a 5xx', () => {
  let t: TestApp
  let lead: SignedIn
  let reviewer: SignedIn
  let key: string
  let otherKey: string
  let check: AnswerCheck['check']
  let expectSeen: AnswerCheck['expectSeen']
  let codingIds: string[] = []

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_INTAKE_PER_10MIN: '100000',
        RATE_LIMIT_API_KEY_PER_HOUR: '100000',
        // Callers without a key are refused often here: a limit on refusals would hide the routes behind 429s.
        RATE_LIMIT_API_KEY_FAILURES_PER_MIN: '100000',
        LOG_LEVEL: 'warn'
      }
    })
    ;({ check, expectSeen } = createAnswerCheck(t.app))
    lead = await signedInUser(t.app, { email: 'lead.fuzz@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    reviewer = await signedInUser(t.app, { email: 'rev.fuzz@example.org', recoveryKey: t.recoveryKey })
    const filed: string[] = []
    for (const [i, month] of ['2025-10', '2026-01', '2026-02', '2026-08', '2026-08', '2026-09'].entries()) {
      const res = await postReport(t.app, reportBody({ occurredMonth: month, region: i % 2 ? 'london' : 'east' }))
      if (res.statusCode !== 201) throw new Error(res.body)
      const row = await t.app.db.prisma.report.findFirstOrThrow({
        where: { id: { notIn: filed } },
        select: { id: true }
      })
      filed.push(row.id)
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${row.id}/codings`,
        headers: reviewer.headers,
        payload: coding({ learningPoint: i < 2 ? 'Check the address on file before sending minutes.' : '' })
      })
    }
    codingIds = (await t.app.db.prisma.coding.findMany({ select: { id: true } })).map((row) => row.id)
    await t.app.summaries.publish('2026-Q3')
    key = await createApiKey(t.app, 'london')
    otherKey = await createApiKey(t.app, 'east')
  }, TIMEOUT_MS)
  afterAll(() => t?.close())

  const asLead = async (route: string, url: string, who: Caller) => {
    const headers: Record<string, string> =
      who === 'lead'
        ? { cookie: lead.cookie }
        : who === 'reviewer'
          ? { cookie: reviewer.cookie }
          : who === 'apiKey'
            ? { authorization: `Bearer ${key}` }
            : {}
    const res = await t.app.inject({ method: 'GET', url, headers })
    check(route, `GET ${url} as ${who}`, res)
  }

  const range = {
    from: { valid: periods, broken: brokenPeriods },
    to: { valid: periods, broken: brokenPeriods }
  }
  const level = { valid: fc.constantFrom('1', '2', '3'), broken: fc.oneof(fc.constantFrom('0', '4'), brokenCounts) }
  const role = { valid: fc.constantFrom('any', 'contributing', 'mitigating'), broken: text(15) }
  const interval = { valid: fc.constantFrom('month', 'quarter'), broken: fc.constantFrom('year', 'Month', '') }

  it('GET /api/v1/analysis/trends', async () => {
    const route = 'GET /api/v1/analysis/trends'
    const query = queryFor({
      ...range,
      interval,
      groupBy: {
        valid: fc.constantFrom('code', 'region', 'setting', 'eventClass', 'detection', 'reach', 'eventType'),
        broken: fc.constantFrom('narrative', 'id', 'CODE', '')
      },
      level,
      role,
      code: { valid: codes, broken: brokenCodes },
      region: anyText,
      setting: anyText,
      eventClass: anyText,
      reach: anyText
    })
    await fc.assert(
      fc.asyncProperty(leadMostly, query, async (who, q) => asLead(route, withQuery('/api/v1/analysis/trends', q), who)),
      { ...RUNS, examples: [['lead', ''], ['none', ''], ['reviewer', '']] }
    )
    expectSeen(route, [200, 400, 401, 403])
  }, TIMEOUT_MS)

  it('GET /api/v1/analysis/cooccurrence', async () => {
    const route = 'GET /api/v1/analysis/cooccurrence'
    const query = queryFor({
      ...range,
      level,
      minCount: { valid: fc.integer({ min: 1, max: 5 }).map(String), broken: brokenCounts },
      limit: { valid: fc.integer({ min: 1, max: 500 }).map(String), broken: fc.oneof(fc.constant('501'), brokenCounts) }
    })
    await fc.assert(
      fc.asyncProperty(leadMostly, query, async (who, q) =>
        asLead(route, withQuery('/api/v1/analysis/cooccurrence', q), who)
      ),
      RUNS
    )
    expectSeen(route, [200, 400])
  }, TIMEOUT_MS)

  it('GET /api/v1/analysis/rising', async () => {
    const route = 'GET /api/v1/analysis/rising'
    const query = queryFor({
      period: { valid: periods, broken: brokenPeriods },
      interval,
      baseline: { valid: fc.integer({ min: 1, max: 24 }).map(String), broken: fc.oneof(fc.constant('25'), brokenCounts) },
      level,
      role,
      alpha: { valid: fc.constantFrom('0.05', '0.1', '0.0001', '0.5'), broken: fc.constantFrom('0', '1', '-1', 'x') }
    })
    await fc.assert(
      fc.asyncProperty(leadMostly, query, async (who, q) => asLead(route, withQuery('/api/v1/analysis/rising', q), who)),
      RUNS
    )
    expectSeen(route, [200, 400])
  }, TIMEOUT_MS)

  it('GET /api/v1/summaries/quarterly', async () => {
    const route = 'GET /api/v1/summaries/quarterly'
    const query = queryFor(
      {
        quarter: { valid: fc.oneof(fc.constant('2026-Q3'), quarters), broken: brokenPeriods },
        region: { valid: fc.constantFrom('london', 'east', 'nowhere'), broken: fc.oneof(fc.constant(''), text(70)) },
        cut: {
          valid: fc.constantFrom(
            'event_class',
            'detection',
            'setting',
            'domain',
            'group',
            'actions',
            'late',
            'top_themes',
            'learning_points'
          ),
          broken: fc.constantFrom('all', 'Domain', '', 'themes')
        }
      },
      { validWeight: 12 }
    )
    const accept = fc.constantFrom(
      undefined,
      'application/json',
      'text/csv',
      '*/*',
      'text/csv;q=0.9, application/json',
      'application/xml',
      'text/html'
    )
    await fc.assert(
      fc.asyncProperty(keyMostly, query, accept, async (who, q, type) => {
        const url = withQuery('/api/v1/summaries/quarterly', q)
        const headers: Record<string, string> = type ? { accept: type } : {}
        if (who === 'key' || who === 'otherKey') headers.authorization = `Bearer ${who === 'key' ? key : otherKey}`
        if (who === 'lead') headers.cookie = lead.cookie
        const res = await t.app.inject({ method: 'GET', url, headers })
        check(route, `GET ${url} as ${who} accepting ${type}`, res)
      }),
      { ...RUNS, examples: everyAnswer('region=london&quarter=2026-Q3', 'region=london&quarter=2026-Q1') }
    )
    expectSeen(route, [200, 400, 401, 403, 404, 406])
  }, TIMEOUT_MS)

  it('GET /api/v1/summaries/series', async () => {
    const route = 'GET /api/v1/summaries/series'
    const query = queryFor(
      {
        region: { valid: fc.constantFrom('london', 'east', 'nowhere'), broken: fc.oneof(fc.constant(''), text(70)) },
        from: { valid: fc.oneof(fc.constant('2026-Q1'), quarters), broken: brokenPeriods },
        to: { valid: fc.oneof(fc.constant('2026-Q4'), quarters), broken: brokenPeriods },
        cut: { valid: fc.constantFrom('group', 'late', 'top_themes'), broken: fc.constantFrom('all', '') }
      },
      { validWeight: 12 }
    )
    const accept = fc.constantFrom(undefined, 'application/json', 'text/csv', 'application/xml')
    await fc.assert(
      fc.asyncProperty(keyMostly, query, accept, async (who, q, type) => {
        const url = withQuery('/api/v1/summaries/series', q)
        const headers: Record<string, string> = type ? { accept: type } : {}
        if (who === 'key' || who === 'otherKey') headers.authorization = `Bearer ${who === 'key' ? key : otherKey}`
        if (who === 'lead') headers.cookie = lead.cookie
        const res = await t.app.inject({ method: 'GET', url, headers })
        check(route, `GET ${url} as ${who} accepting ${type}`, res)
      }),
      { ...RUNS, examples: everyAnswer('region=london&from=2026-Q1&to=2026-Q4&cut=group') }
    )
    expectSeen(route, [200, 400, 401, 403, 406])
  }, TIMEOUT_MS)

  it('GET /api/v1/summaries', async () => {
    const route = 'GET /api/v1/summaries'
    const query = queryFor(
      { region: { valid: fc.constantFrom('london', 'east', 'nowhere'), broken: fc.oneof(fc.constant(''), text(70)) } },
      { validWeight: 12 }
    )
    await fc.assert(
      fc.asyncProperty(keyMostly, query, async (who, q) => {
        const url = withQuery('/api/v1/summaries', q)
        const headers: Record<string, string> = {}
        if (who === 'key' || who === 'otherKey') headers.authorization = `Bearer ${who === 'key' ? key : otherKey}`
        if (who === 'lead') headers.cookie = lead.cookie
        check(route, `GET ${url} as ${who}`, await t.app.inject({ method: 'GET', url, headers }))
      }),
      { ...RUNS, examples: [['key', 'region=london'], ['none', 'region=london'], ['otherKey', 'region=london']] }
    )
    expectSeen(route, [200, 400, 401, 403])
  }, TIMEOUT_MS)

  it('POST /api/v1/learning-points/{codingId}/approvals', async () => {
    const route = 'POST /api/v1/learning-points/{codingId}/approvals'
    const body = bodyFor(fc.record({ flagsReviewed: fc.boolean() }), {
      flagsReviewed: fc.oneof(fc.constantFrom('true', 1, null), text(10))
    })
    await fc.assert(
      fc.asyncProperty(leadMostly, pathParam(codingIds), body, async (who, id, b) => {
        const headers: Record<string, string> =
          who === 'lead'
            ? lead.headers
            : who === 'reviewer'
              ? reviewer.headers
              : who === 'apiKey'
                ? { authorization: `Bearer ${key}` }
                : {}
        const url = `/api/v1/learning-points/${id}/approvals`
        headers['content-type'] = 'application/json'
        const res = await t.app.inject({ method: 'POST', url, headers, payload: JSON.stringify(b) })
        check(route, `POST ${url} as ${who}`, res)
      }),
      RUNS
    )
    // 200: a point of a report the lead may read (none here: every report is still open, so 404 is the answer).
    expectSeen(route, [400, 404])
  }, TIMEOUT_MS)
})
