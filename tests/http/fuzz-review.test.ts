import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfTokenFor, hashSessionToken, newSessionToken } from '../../src/lib/auth/tokens.js'
import { groupsOfFour, toCrockford } from '../../src/lib/crypto/encoding.js'
import { RECEIPT_BYTES, RECOVERY_KEY_BYTES } from '../../src/lib/crypto/secrets.js'
import { createSessionsRepository } from '../../src/modules/auth/sessions.repository.js'
import { CODE_ROLES } from '../../src/modules/codings/codings.schemas.js'
import { EVENT_CLASSES, SETTINGS } from '../../src/modules/reports/reports.schemas.js'
import { REPORT_STATUSES } from '../../src/modules/review/review.schemas.js'
import {
  type AnswerCheck,
  FUZZ_RUNS,
  arbitraryBody,
  bodyFor,
  brokenCounts,
  brokenMonths,
  createAnswerCheck,
  months,
  pathParam,
  queryFor,
  rawQuery,
  run,
  text,
  wellFormed,
  withQuery,
  wrongType
} from '../helpers/fuzz.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, PASSWORD, signIn, type SignedIn } from '../helpers/users.js'

/**
 * Fuzzing the reviewers' and reporters' routes (R39): every answer is one the route documents in OpenAPI, never
 * a 5xx, and every error has the one error shape. Each route gets FUZZ_RUNS cases (≥ 1,000 on PostgreSQL)
 * mixing arbitrary JSON, wrong types, valid bodies with one field broken, real and random ids, and odd query
 * strings, sent mostly as the role the route admits (with its CSRF token) so that the cases reach validation and
 * the service behind it. Path parameters the router itself refuses (too long, badly percent-encoded) get a
 * property of their own, across every route that has one.
 */

const RUNS = { numRuns: FUZZ_RUNS }
const TIMEOUT_MS = 120_000

/** Who sends the request: mostly the role the route admits, with its CSRF token; sometimes someone else. */
const CALLERS = ['none', 'cookieOnly', 'wrongCsrf', 'wrongRole', 'unknownSession'] as const
type Caller = 'right' | (typeof CALLERS)[number]
const caller: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 19, arbitrary: fc.constant('right' as const) },
  { weight: 1, arbitrary: fc.constantFrom(...CALLERS) }
)
/** For routes that take no input: who is asking is what there is to vary. */
const anyCaller: fc.Arbitrary<Caller> = fc.constantFrom('right', ...CALLERS)

// ---------------------------------------------------------------------------------------------------------------

type Method = 'GET' | 'POST' | 'PATCH'
type Filed = { id: string; receipt: string }

/** Stands for the password the account has at the time of sending (it changes when a change succeeds). */
const RIGHT_PASSWORD = '\u0001the right password\u0001'
/** Stands for the path's own id (a report merged into itself) and for a report filed just for this case. */
const SAME = 'same-as-path'
const FRESH = 'fresh-report'
/** A well-formed id that no report has. */
const NO_SUCH_REPORT = '00000000-0000-4000-8000-000000000000'

describe('fuzzing the review, follow-up and account routes: only documented answers, never a 5xx', () => {
  let t: TestApp
  let check: AnswerCheck['check']
  let expectSeen: AnswerCheck['expectSeen']
  let reviewer: SignedIn
  let lead: SignedIn
  let admin: SignedIn
  let changer: SignedIn
  let recoverer: SignedIn
  let changerPassword = PASSWORD
  let reviewerId: string
  let taxonomy: { leaves: string[]; facets: Record<string, string[]> }
  /** Reports to read, move, code and talk about. */
  const reports: Filed[] = []
  /** Reports to merge, apart so that merging does not close the others. */
  const mergeable: string[] = []
  /** Reports to withdraw, apart so that withdrawing does not destroy the others. */
  const withdrawable: string[] = []
  const userIds: string[] = []
  const filed: string[] = []
  const loginEmail = 'lou.login@example.org'

  const file = async (overrides: Record<string, unknown> = {}): Promise<Filed> => {
    const posted = await postReport(t.app, reportBody(overrides))
    expect(posted.statusCode).toBe(201)
    // The intake answers with the receipt only; the id is that of the one row not seen before.
    const row = await t.app.db.prisma.report.findFirstOrThrow({ where: { id: { notIn: filed } }, select: { id: true } })
    filed.push(row.id)
    return { id: row.id, receipt: posted.json().receipt as string }
  }

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_INTAKE_PER_10MIN: '100000',
        RATE_LIMIT_RECEIPT_PER_MIN: '100000',
        RATE_LIMIT_PREVIEW_PER_MIN: '100000',
        RATE_LIMIT_LOGIN_PER_MIN: '100000',
        // Some 20,000 requests: debug lines for each would cost a third of the time; errors are still logged.
        LOG_LEVEL: 'warn'
      }
    })
    ;({ check, expectSeen } = createAnswerCheck(t.app))

    const key = t.recoveryKey
    const [rita, len, ada, carl, rory, gail, dora] = await Promise.all([
      createUser(t.app, { email: 'rita@example.org', role: 'reviewer', recoveryKey: key }),
      createUser(t.app, { email: 'len@example.org', role: 'lead', recoveryKey: key }),
      createUser(t.app, { email: 'ada@example.org', role: 'admin', recoveryKey: key }),
      // Changing a password and recovering are fuzzed on accounts of their own, which the fuzzing locks.
      createUser(t.app, { email: 'carl.changer@example.org', role: 'reviewer', recoveryKey: key }),
      createUser(t.app, { email: 'rory.recover@example.org', role: 'reviewer' }),
      // Grant targets besides the accounts above: one who has signed in without the team key (grantable) and one
      // disabled (409); the login account never signs in, so it has no grant box yet (409).
      createUser(t.app, { email: 'gail@example.org', role: 'reviewer' }),
      createUser(t.app, { email: 'dora@example.org', role: 'lead' }),
      createUser(t.app, { email: loginEmail, role: 'reviewer' })
    ])
    ;[reviewer, lead, admin, changer, recoverer] = await Promise.all([
      signIn(t.app, rita),
      signIn(t.app, len),
      signIn(t.app, ada),
      signIn(t.app, carl),
      signIn(t.app, rory),
      signIn(t.app, gail)
    ])
    await t.app.db.prisma.user.update({ where: { email: dora.email }, data: { disabledAt: new Date() } })
    userIds.push(...(await t.app.db.prisma.user.findMany({ select: { id: true } })).map((user) => user.id))
    reviewerId = (await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: rita.email } })).id

    const described = await t.app.inject({ method: 'GET', url: '/api/v1/taxonomy', headers: reviewer.headers })
    const document = described.json() as {
      domains: { groups: { leaves: { code: string }[] }[] }[]
      facets: { key: string; values: { key: string }[] }[]
    }
    taxonomy = {
      leaves: document.domains.flatMap((domain) => domain.groups.flatMap((group) => group.leaves.map((l) => l.code))),
      facets: Object.fromEntries(document.facets.map((facet) => [facet.key, facet.values.map((v) => v.key)]))
    }

    for (let i = 0; i < 12; i++) {
      reports.push(await file({ eventClass: EVENT_CLASSES[i % EVENT_CLASSES.length], region: i % 2 ? 'london' : 'east' }))
    }
    for (let i = 0; i < 12; i++) {
      mergeable.push((await file()).id)
    }
    for (let i = 0; i < 6; i++) {
      withdrawable.push((await file()).receipt)
    }
    // Some history, so that reads unseal conversations and codings and the agreement has pairs to compare.
    for (const [i, { id, receipt }] of reports.slice(0, 6).entries()) {
      const codes = taxonomy.leaves.slice(i, i + 2 + (i % 2))
      for (const who of [reviewer, lead]) {
        const coded = await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${id}/codings`,
          headers: who.headers,
          payload: codingBody(who === lead ? codes.slice(1) : codes)
        })
        expect(coded.statusCode).toBe(201)
      }
      if (i < 3) {
        const asked = await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${id}/questions`,
          headers: reviewer.headers,
          payload: { text: 'Which team sent the invitation?' }
        })
        expect(asked.statusCode).toBe(201)
        const answered = await t.app.inject({
          method: 'POST',
          url: `/api/v1/receipts/${encodeURIComponent(receipt)}/messages`,
          payload: { text: 'The duty team, on a Friday afternoon.' }
        })
        expect(answered.statusCode).toBe(201)
      }
    }
  }, TIMEOUT_MS)
  afterAll(() => t?.close())

  const codingBody = (codes: string[]) => ({
    codes: codes.map((code, i) => ({ code, role: CODE_ROLES[i % 2] })),
    facets: {
      eventType: 'information_misdirected',
      reachAndHarm: 'near_miss',
      detection: 'colleague',
      setting: 'child_protection',
      handover: false
    },
    summary: 'The invitation went to an old address; a colleague caught it.'
  })

  const headersFor = (who: Caller, as?: SignedIn, wrongRole?: SignedIn): Record<string, string> => {
    if (!as) {
      return {}
    }
    switch (who) {
      case 'right':
        return as.headers
      case 'none':
        return {}
      case 'cookieOnly':
        return { cookie: as.cookie }
      case 'wrongCsrf':
        return { cookie: as.cookie, 'x-csrf-token': csrfTokenFor(newSessionToken()) }
      case 'wrongRole':
        return (wrongRole ?? as).headers
      case 'unknownSession': {
        const token = newSessionToken()
        return { cookie: `${t.app.sessionCookie.name}=${token}`, 'x-csrf-token': csrfTokenFor(token) }
      }
    }
  }

  type Send = {
    route: string
    method: Method
    url: string
    who?: Caller
    as?: SignedIn
    wrongRole?: SignedIn
    body?: unknown
    /** What came before, for the failure message. */
    after?: string
  }

  /** Sends one case as JSON (no body when `body` is undefined) and checks the answer. */
  const send = async ({ route, method, url, who = 'right', as, wrongRole, body, after }: Send) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers = { ...headersFor(who, as, wrongRole) }
    if (payload !== undefined) {
      headers['content-type'] = 'application/json'
    }
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
    const sent = payload === undefined ? '' : ` with ${payload}`
    check(route, `${after ? `after ${after}: ` : ''}${method} ${url} as ${as ? who : 'anonymous'}${sent}`, res)
    return res
  }

  const ids = () => reports.map((report) => report.id)
  const receipts = () => reports.map((report) => report.receipt)
  type Role = 'reviewer' | 'lead' | 'admin'
  const sessionOf = (role: Role) => ({ reviewer, lead, admin })[role]
  /** Reviewers and leads both use the review routes (by name, so that counterexamples read well). */
  const reviewerOrLead = fc.oneof({ weight: 3, arbitrary: fc.constant<Role>('reviewer') }, fc.constant<Role>('lead'))
  /** A case on a review route, where admins are the wrong role. */
  const review = (route: string, method: Method, url: string, who: Caller, as: Role, body?: unknown) =>
    send({ route, method, url, who, as: sessionOf(as), wrongRole: admin, body })

  it('GET /api/v1/reports (the queue)', async () => {
    const route = 'GET /api/v1/reports'
    const query = queryFor({
      status: { valid: fc.constantFrom(...REPORT_STATUSES), broken: fc.oneof(fc.constantFrom('NEW', 'lost'), text(12)) },
      eventClass: { valid: fc.constantFrom(...EVENT_CLASSES), broken: text(20) },
      setting: { valid: fc.constantFrom(...SETTINGS), broken: text(20) },
      // Any text up to 64 characters is a valid filter value: the real regions, and everything else.
      region: { valid: fc.oneof(fc.constantFrom('london', 'east', 'nowhere'), text(64)), broken: run(65, 70) },
      month: { valid: months, broken: brokenMonths },
      page: { valid: fc.integer({ min: 1, max: 3 }).map(String), broken: brokenCounts },
      pageSize: {
        valid: fc.integer({ min: 1, max: 100 }).map(String),
        broken: fc.oneof(fc.constant('101'), brokenCounts)
      }
    })
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, query, async (who, as, q) => {
        await review(route, 'GET', withQuery('/api/v1/reports', q), who, as)
      }),
      RUNS
    )
    expectSeen(route, [200, 400])
  }, TIMEOUT_MS)

  // A read unseals, audits and gathers codings and messages (the costliest case here): fewer real ids.
  const READ_WEIGHTS = { real: 1, upper: 1, uuid: 1, lookalike: 3, text: 8, long: 2 }

  it('GET /api/v1/reports/{id} (an audited, unsealed read)', async () => {
    const route = 'GET /api/v1/reports/{id}'
    const id = pathParam(ids(), READ_WEIGHTS)
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, id, fc.option(rawQuery), async (who, as, i, q) => {
        await review(route, 'GET', withQuery(`/api/v1/reports/${i}`, q ?? ''), who, as)
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404])
  }, TIMEOUT_MS)

  it('PATCH /api/v1/reports/{id} (status)', async () => {
    const route = 'PATCH /api/v1/reports/{id}'
    const body = bodyFor(fc.record({ status: fc.constantFrom('in_review', 'closed') }), {
      status: fc.oneof(fc.constantFrom(...REPORT_STATUSES, 'CLOSED', 'in review'), text(20))
    })
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, pathParam(ids()), body, async (who, as, id, b) => {
        await review(route, 'PATCH', `/api/v1/reports/${id}`, who, as, b)
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404, 409])
  }, TIMEOUT_MS)

  // Coding is refused for closed, merged and withdrawn reports: more real ids, so that codings get stored.
  const CODING_WEIGHTS = { real: 4, upper: 1, uuid: 1, lookalike: 2, text: 5, long: 1 }

  it('POST /api/v1/reports/{id}/codings', async () => {
    const route = 'POST /api/v1/reports/{id}/codings'
    const leaf = fc.constantFrom(...taxonomy.leaves)
    const role = fc.constantFrom(...CODE_ROLES)
    const facetValue = (key: string) => fc.constantFrom(...(taxonomy.facets[key] ?? []))
    const codes = fc.uniqueArray(fc.record({ code: leaf, role }), {
      minLength: 1,
      maxLength: 6,
      selector: (c) => c.code
    })
    const facets = fc.record({
      eventType: facetValue('eventType'),
      reachAndHarm: facetValue('reachAndHarm'),
      detection: facetValue('detection'),
      setting: facetValue('setting'),
      handover: fc.boolean()
    })
    // Any text up to 2,000 characters is a valid summary, control characters included.
    const summary = fc.oneof(
      fc.constantFrom('', 'A colleague spotted the old address before the letter went.'),
      fc.string({ maxLength: 200 }),
      text(200),
      text(200)
    )
    const valid = fc.record({ taxonomyVersion: fc.constantFrom(1, undefined), codes, facets, summary })
    const unknownCode = fc.oneof(
      fc.constantFrom('PA.SL.99', 'pa.sl.01', 'PA.SL', 'PA', 'PA.SL.01 ', 'PA.SL.01\u0000', 'TC.HO.2'),
      text(40)
    )
    const facetName = fc.constantFrom('eventType', 'reachAndHarm', 'detection', 'setting', 'handover')
    const facetMutation = fc.oneof(
      fc.constantFrom(...Object.values(taxonomy.facets).flat(), 'yes', 'no'),
      text(70),
      run(64, 65),
      wrongType
    )
    const body = bodyFor(valid, {
      taxonomyVersion: fc.constantFrom(0, 2, 10_000, 10_001, 1.5, -1, '1'),
      codes: fc.oneof(
        fc.constant([]),
        // At the limit of 30 and past it.
        fc.shuffledSubarray(taxonomy.leaves, { minLength: 30, maxLength: 31 })
          .map((all) => all.map((code) => ({ code, role: 'contributing' }))),
        codes.map((list) => [...list, list[0]]),
        fc.tuple(codes, unknownCode).map(([list, code]) => [...list, { code, role: 'contributing' }]),
        fc.tuple(codes, text(20)).map(([list, r]) => [{ ...list[0], role: r }]),
        fc.tuple(codes, fc.jsonValue({ maxDepth: 1 })).map(([list, extra]) => [{ ...list[0], note: extra }]),
        fc.array(wrongType, { minLength: 1, maxLength: 3 })
      ),
      facets: fc.oneof(
        fc.tuple(facets, facetName, facetMutation).map(([f, name, value]) => ({ ...f, [name]: value })),
        fc.tuple(facets, facetName).map(([f, name]) => {
          const { [name]: _left, ...rest } = f
          return rest
        }),
        facets.map((f) => ({ ...f, extra: 'x' }))
      ),
      summary: fc.oneof(text(300), run(1990, 2010), fc.constantFrom('   ', '\n'))
    }, { valid: 4, near: 4, arbitrary: 2 })
    // Whether the random cases code one open report twice as the same reviewer depends on what the status fuzzing
    // closed, so two cases that must (a first coding, 201, then its revision, 200) run first on a report of their own.
    const fresh = (await file()).id
    const first = codingBody(taxonomy.leaves.slice(0, 2))
    const revised = codingBody(taxonomy.leaves.slice(2, 5))
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, pathParam(ids(), CODING_WEIGHTS), body, async (who, as, id, b) => {
        await review(route, 'POST', `/api/v1/reports/${id}/codings`, who, as, b)
      }),
      {
        ...RUNS,
        examples: [
          ['right', 'reviewer', fresh, first],
          ['right', 'reviewer', fresh, revised],
          ['right', 'reviewer', NO_SUCH_REPORT, first]
        ]
      }
    )
    expectSeen(route, [200, 201, 400, 404, 409])
  }, TIMEOUT_MS)

  /** A follow-up message: short ordinary text when valid, since every stored one is redacted and sealed. */
  const messageBody = (example: string) =>
    bodyFor(fc.record({ text: fc.oneof(fc.constant(example), fc.string({ minLength: 1, maxLength: 200 })) }), {
      text: fc.oneof(text(300), run(4990, 5010), fc.constantFrom('   ', '\n\t'))
    })

  for (const kind of ['questions', 'responses']) {
    it(`POST /api/v1/reports/{id}/${kind}, and the reporter can still read the conversation`, async () => {
      const route = `POST /api/v1/reports/{id}/${kind}`
      const body = messageBody('When was the visit due?')
      const receiptOf = new Map(reports.map((report) => [report.id, report.receipt]))
      await fc.assert(
        fc.asyncProperty(caller, reviewerOrLead, pathParam(ids()), body, async (who, as, id, b) => {
          const res = await review(route, 'POST', `/api/v1/reports/${id}/${kind}`, who, as, b)
          // A message the route took must not break the conversation it joined: the receipt still opens it.
          const receipt = receiptOf.get(decodeURIComponent(id).toLowerCase())
          if (res.statusCode === 201 && receipt) {
            const url = `/api/v1/receipts/${encodeURIComponent(receipt)}`
            await send({ route: 'GET /api/v1/receipts/{receipt}', method: 'GET', url, after: `${kind} to ${id}` })
          }
        }),
        RUNS
      )
      expectSeen(route, [201, 400, 404])
    }, TIMEOUT_MS)
  }

  it('POST /api/v1/reports/{id}/merge', async () => {
    const route = 'POST /api/v1/reports/{id}/merge'
    const target = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...mergeable) },
      { weight: 1, arbitrary: fc.constantFrom(SAME, FRESH) },
      { weight: 1, arbitrary: fc.uuid() }
    )
    const body = bodyFor(fc.record({ into: target }), {
      into: fc.oneof(
        fc.constantFrom(...mergeable).map((id) => id.toUpperCase()),
        fc.uuid().map((id) => id.slice(1)),
        text(40)
      )
    })
    const source = fc.oneof(
      { weight: 20, arbitrary: pathParam(mergeable) },
      { weight: 1, arbitrary: fc.constant(FRESH) }
    )
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, source, body, async (who, as, from, b) => {
        // Merging closes reports for good: now and then a case merges a report filed just for it, or into one.
        const id = from === FRESH ? (await file()).id : from
        const resolve = async (into: unknown) =>
          into === SAME ? decodeURIComponent(id) : into === FRESH ? (await file()).id : into
        const payload = b !== null && typeof b === 'object' && 'into' in b ? { ...b, into: await resolve(b.into) } : b
        await review(route, 'POST', `/api/v1/reports/${id}/merge`, who, as, payload)
      }),
      {
        ...RUNS,
        // On every seed (the random cases answer 404 and 409 in under a dozen of 250): a merge, the same merge
        // again (the report is merged already), and a merge into no report.
        examples: [
          ['right', 'reviewer', mergeable[0] as string, { into: mergeable[1] as string }],
          ['right', 'reviewer', mergeable[0] as string, { into: mergeable[1] as string }],
          ['right', 'reviewer', FRESH, { into: NO_SUCH_REPORT }]
        ]
      }
    )
    expectSeen(route, [200, 400, 404, 409])
  }, TIMEOUT_MS)

  it('GET /api/v1/taxonomy', async () => {
    const route = 'GET /api/v1/taxonomy'
    const query = queryFor({
      version: {
        valid: fc.oneof(fc.constantFrom('1', '01', '1.0'), fc.integer({ min: 1, max: 10_000 }).map(String)),
        broken: fc.oneof(fc.constant('10001'), brokenCounts)
      }
    }, { always: true, validWeight: 2 })
    await fc.assert(
      fc.asyncProperty(caller, reviewerOrLead, query, async (who, as, q) => {
        await review(route, 'GET', withQuery('/api/v1/taxonomy', q), who, as)
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404])
  }, TIMEOUT_MS)

  it('GET /api/v1/analysis/agreement', async () => {
    const route = 'GET /api/v1/analysis/agreement'
    const query = queryFor({
      from: { valid: months, broken: brokenMonths },
      to: { valid: months, broken: brokenMonths },
      taxonomyVersion: { valid: fc.constantFrom('1', '2', '10000'), broken: fc.oneof(fc.constant('10001'), brokenCounts) }
    })
    await fc.assert(
      fc.asyncProperty(caller, query, async (who, q) => {
        const url = withQuery('/api/v1/analysis/agreement', q)
        await send({ route, method: 'GET', url, who, as: lead, wrongRole: reviewer })
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404])
  }, TIMEOUT_MS)

  it('GET /api/v1/users', async () => {
    const route = 'GET /api/v1/users'
    await fc.assert(
      fc.asyncProperty(anyCaller, fc.oneof(rawQuery, queryFor({})), async (who, q) => {
        await send({ route, method: 'GET', url: withQuery('/api/v1/users', q), who, as: admin, wrongRole: reviewer })
      }),
      RUNS
    )
    expectSeen(route, [200, 401, 403])
  }, TIMEOUT_MS)

  it('POST /api/v1/users/{id}/grant', async () => {
    const route = 'POST /api/v1/users/{id}/grant'
    const id = pathParam(userIds, { real: 1, upper: 1, uuid: 1, lookalike: 2, text: 5, long: 1 })
    // The route takes no body: mostly none, sometimes anything.
    const body = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arbitraryBody })
    await fc.assert(
      fc.asyncProperty(caller, id, body, async (who, i, b) => {
        await send({ route, method: 'POST', url: `/api/v1/users/${i}/grant`, who, as: admin, wrongRole: reviewer, body: b })
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404, 409])
  }, TIMEOUT_MS)

  it('GET /api/v1/auth/session', async () => {
    const route = 'GET /api/v1/auth/session'
    await fc.assert(
      fc.asyncProperty(anyCaller, fc.constantFrom<Role>('reviewer', 'lead', 'admin'), rawQuery, async (who, as, q) => {
        await send({ route, method: 'GET', url: withQuery('/api/v1/auth/session', q), who, as: sessionOf(as) })
      }),
      RUNS
    )
    expectSeen(route, [200, 401])
  }, TIMEOUT_MS)

  it('POST /api/v1/auth/logout', async () => {
    const route = 'POST /api/v1/auth/logout'
    const sessions = createSessionsRepository(t.app.db.prisma)
    // A user signs in at most three times per 30 s (one TOTP code per step), so the sessions that logging out
    // ends are made in the session store directly, as a sign-in makes them: more sessions of the reviewer's.
    const mint = async (): Promise<SignedIn> => {
      const token = newSessionToken()
      const tokenHash = hashSessionToken(token)
      await sessions.create({ tokenHash, userId: reviewerId, at: new Date(), teamKeyWrap: null })
      const cookie = `${t.app.sessionCookie.name}=${token}`
      return { cookie, csrfToken: csrfTokenFor(token), headers: { cookie, 'x-csrf-token': csrfTokenFor(token) } }
    }
    const ended = await mint()
    // A third of the cases end a session of their own; the rest use one that the first of them ended.
    const fresh = fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, fc.constant(true))
    const body = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.jsonValue({ maxDepth: 2 }))
    // Every kind of caller equally often: with the usual 1-in-20 wrong callers, the cases that reach a live session
    // without its CSRF token (403) were rare enough that 250 runs missed them about one time in five.
    await fc.assert(
      fc.asyncProperty(anyCaller, fresh, body, async (who, isFresh, b) => {
        await send({ route, method: 'POST', url: '/api/v1/auth/logout', who, as: isFresh ? await mint() : ended, body: b })
      }),
      RUNS
    )
    expectSeen(route, [204, 401, 403])
  }, TIMEOUT_MS)

  it('POST /api/v1/auth/password', async () => {
    const route = 'POST /api/v1/auth/password'
    const weak = fc.oneof(
      fc.constantFrom('short', 'password1234567890', 'abcabcabcabcabcabc', '1234567890123456', 'Password!!!!!!!!!'),
      run(1, 14),
      run(257, 300)
    )
    // The right current password now and then (every check is an argon2 verification), with a new one that is
    // accepted or not: a change that succeeds is kept track of. Five wrong ones lock the account: 429 from then on.
    const valid = fc.record({
      currentPassword: fc.oneof(
        { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 64 }) },
        { weight: 1, arbitrary: fc.constant(RIGHT_PASSWORD) }
      ),
      newPassword: fc.oneof(weak, fc.string({ minLength: 15, maxLength: 80 }))
    })
    const body = bodyFor(valid, {
      currentPassword: fc.oneof(fc.constant(''), text(40), run(255, 260)),
      newPassword: fc.oneof(weak, text(40))
    })
    await fc.assert(
      fc.asyncProperty(caller, body, async (who, b) => {
        const isRight = b !== null && typeof b === 'object' && 'currentPassword' in b && b.currentPassword === RIGHT_PASSWORD
        const payload = isRight ? { ...b, currentPassword: changerPassword } : b
        const res = await send({ route, method: 'POST', url: '/api/v1/auth/password', who, as: changer, body: payload })
        if (res.statusCode === 204) {
          changerPassword = (payload as { newPassword: string }).newPassword
        }
      }),
      RUNS
    )
    expectSeen(route, [400, 403, 429])
  }, TIMEOUT_MS)

  /** Crockford base-32 in groups of four, as receipts and recovery keys are written, from random bytes. */
  const crockford = (bytes: number) =>
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((value) => groupsOfFour(toCrockford(value)))

  it('POST /api/v1/auth/recover', async () => {
    const route = 'POST /api/v1/auth/recover'
    const key = t.recoveryKey as string
    const recoveryKey = fc.oneof(
      fc.constantFrom(key, key.toLowerCase(), ` ${key} `, key.replace(/-/g, '')),
      crockford(RECOVERY_KEY_BYTES),
      text(120)
    )
    // The right password (argon2 each time, and with the right key a rewrap) only now and then.
    const password = fc.oneof(
      { weight: 1, arbitrary: fc.constant(PASSWORD) },
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) }
    )
    const body = bodyFor(fc.record({ password, recoveryKey }), {
      password: fc.oneof(fc.constant(''), text(40), run(255, 260)),
      recoveryKey: fc.oneof(fc.constant(''), text(130), run(119, 125))
    }, { valid: 1, near: 6, arbitrary: 3 })
    await fc.assert(
      fc.asyncProperty(caller, body, async (who, b) => {
        await send({ route, method: 'POST', url: '/api/v1/auth/recover', who, as: recoverer, body: b })
      }),
      RUNS
    )
    expectSeen(route, [400, 429])
  }, TIMEOUT_MS)

  it('POST /api/v1/auth/login', async () => {
    const route = 'POST /api/v1/auth/login'
    // Every sign-in that passes validation costs an argon2 verification (~0.1 s) until its account name is locked
    // (after five failures), so valid-shaped cases use a few names, which soon lock; random names stay rare. The
    // names include one with a NUL, which a database text column cannot hold.
    const email = fc.constantFrom(loginEmail, loginEmail.toUpperCase(), ` ${loginEmail}\t`, 'a\u0000b@example.org')
    const totp = fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, '0'))
    const password = fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 1, maxLength: 40 }))
    const body = bodyFor(fc.record({ email, password, totp }), {
      email: fc.oneof(
        { weight: 12, arbitrary: fc.oneof(fc.constantFrom('', 'a', 'ab'), run(255, 260)) },
        { weight: 1, arbitrary: text(60) }
      ),
      password: fc.oneof(fc.constant(''), run(257, 260), text(40)),
      totp: fc.oneof(
        fc.constantFrom('12345', '1234567', 'abcdef', '１２３４５６', ' 123456', '123456\n', '-12345', '1e+05'),
        text(8)
      )
    }, { valid: 2, near: 5, arbitrary: 3 })
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        await send({ route, method: 'POST', url: '/api/v1/auth/login', body: b })
      }),
      RUNS
    )
    expectSeen(route, [400, 401, 429])
  }, TIMEOUT_MS)

  /**
   * A receipt as a reporter might type it (as given; lower case, without hyphens, I for 1 and O for 0; with a
   * character too many), a well-formed one nobody holds, or any text.
   */
  const receiptParam = (real: readonly string[]) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...real) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...real)
          .map((r) => r.toLowerCase().replace(/-/g, '').replace(/1/g, 'i').replace(/0/g, 'o'))
      },
      { weight: 1, arbitrary: fc.constantFrom(...real).map((r) => `${r}X`) },
      { weight: 1, arbitrary: crockford(RECEIPT_BYTES) },
      { weight: 5, arbitrary: text(100) }
    ).map((value) => encodeURIComponent(wellFormed(value)))

  it('GET /api/v1/receipts/{receipt}', async () => {
    const route = 'GET /api/v1/receipts/{receipt}'
    await fc.assert(
      fc.asyncProperty(receiptParam(receipts()), fc.option(rawQuery), async (receipt, q) => {
        await send({ route, method: 'GET', url: withQuery(`/api/v1/receipts/${receipt}`, q ?? '') })
      }),
      RUNS
    )
    expectSeen(route, [200, 404])
  }, TIMEOUT_MS)

  it('POST /api/v1/receipts/{receipt}/messages', async () => {
    const route = 'POST /api/v1/receipts/{receipt}/messages'
    await fc.assert(
      fc.asyncProperty(receiptParam(receipts()), messageBody('It was the duty team.'), async (receipt, b) => {
        await send({ route, method: 'POST', url: `/api/v1/receipts/${receipt}/messages`, body: b })
      }),
      RUNS
    )
    expectSeen(route, [201, 400, 404])
  }, TIMEOUT_MS)

  it('POST /api/v1/receipts/{receipt}/withdraw', async () => {
    const route = 'POST /api/v1/receipts/{receipt}/withdraw'
    const body = bodyFor(fc.record({ confirm: fc.constant(true) }), {
      confirm: fc.constantFrom(false, 'true', 1, 'yes', null, [true], { value: true })
    })
    await fc.assert(
      fc.asyncProperty(receiptParam(withdrawable), body, async (receipt, b) => {
        await send({ route, method: 'POST', url: `/api/v1/receipts/${receipt}/withdraw`, body: b })
      }),
      RUNS
    )
    expectSeen(route, [200, 400, 404])
  }, TIMEOUT_MS)

  it('path parameters the router refuses (too long, malformed percent-encoding), on every route with one', async () => {
    const routes = [
      'GET /api/v1/reports/{id}',
      'PATCH /api/v1/reports/{id}',
      'POST /api/v1/reports/{id}/merge',
      'POST /api/v1/reports/{id}/codings',
      'POST /api/v1/reports/{id}/questions',
      'POST /api/v1/reports/{id}/responses',
      'POST /api/v1/users/{id}/grant',
      'GET /api/v1/receipts/{receipt}',
      'POST /api/v1/receipts/{receipt}/messages',
      'POST /api/v1/receipts/{receipt}/withdraw'
    ]
    const real = fc.constantFrom(...ids(), ...receipts())
    const param = fc.oneof(
      // Past the router's 100 characters, decoded.
      fc.tuple(real, run(101, 2000)).map(([id, tail]) => encodeURIComponent(`${id}${tail}`)),
      fc.uuid().map((id) => id.repeat(3)),
      // Not valid percent-encoding: a lone %, a truncated or non-hex escape, bytes that are not UTF-8.
      fc.tuple(
        fc.oneof(real, fc.constant('')),
        fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%80abc', '%u0041')
      ).map(([id, broken]) => `${encodeURIComponent(id)}${broken}`)
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), param, async (route, p) => {
        const [method, path] = route.split(' ') as [Method, string]
        const as = path.startsWith('/api/v1/reports') ? reviewer : path.startsWith('/api/v1/users') ? admin : undefined
        const url = path.replace(/\{\w+\}/, p)
        await send({ route, method, url, as, body: method === 'GET' ? undefined : {} })
      }),
      RUNS
    )
  }, TIMEOUT_MS)
})
