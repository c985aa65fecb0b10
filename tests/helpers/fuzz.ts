import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'

/**
 * Cases per fuzzed route (R39 asks ≥ 1,000). CI runs the suite on both databases: the full count on PostgreSQL,
 * the production database, and a quarter of it on the embedded one, so that the run stays short (each case is a
 * real request, mostly with a signed-in session). FUZZ_RUNS sets it for a deeper local run.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || (process.env.DATABASE_URL ? 1000 : 250)

/**
 * What the fuzz tests share (R39): generators of hostile input, and the one check every answer must pass — a
 * status the route documents in OpenAPI, never a 5xx, errors in the one error shape — with a tally of statuses
 * seen, so a test can show its cases reached the service.
 */

/** Strings that break services: empty, blanks, NUL and controls, lone surrogates, bidi, numbers as text, paths. */
const NASTY = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\u0007', '\uD800', 'x\uDFFFy', '\u202Eevil', '\uFEFF', '🧒🏽', 'e\u0301',
  'null', 'undefined', 'true', 'NaN', 'Infinity', '-1', '0', '1e309', '0x10', '%00', '%', '../..', '\\',
  "' OR 1=1 --", '<script>', '__proto__', 'constructor', '{}', '[]'
]
export const nasty = fc.constantFrom(...NASTY)

/** Ordinary text with one control character somewhere in it: NUL half the time. */
const withControl = (maxLength: number) =>
  fc
    .tuple(
      fc.string({ maxLength: Math.max(0, maxLength - 1) }),
      fc.nat(),
      fc.oneof(fc.constant('\u0000'), fc.constantFrom('\u0001', '\u001b', '\u007f', '\u0085', '\u2028'))
    )
    .map(([value, at, control]) => {
      const cut = value.length === 0 ? 0 : at % value.length
      return `${value.slice(0, cut)}${control}${value.slice(cut)}`
    })

const buildText = (maxLength: number) =>
  fc
    .oneof(
      { weight: 2, arbitrary: nasty },
      { weight: 1, arbitrary: fc.string({ maxLength }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
      { weight: 2, arbitrary: withControl(maxLength) }
    )
    .filter((value) => value.length <= maxLength)

const texts = new Map<number, fc.Arbitrary<string>>()

/**
 * Text of up to `maxLength` UTF-16 units from every alphabet fast-check has, the nasty strings and text with
 * control characters (built once per length: fast-check's string arbitraries are slow to build).
 */
export const text = (maxLength: number): fc.Arbitrary<string> => {
  const built = texts.get(maxLength) ?? buildText(maxLength)
  texts.set(maxLength, built)
  return built
}

/** A run of one character: long inputs near and past a limit, in one, two and four bytes of UTF-8. */
export const run = (min: number, max: number) =>
  fc.tuple(fc.constantFrom('a', ' ', 'é', '💥'), fc.integer({ min, max })).map(([char, n]) => char.repeat(n))

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 0.5, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300)
)

/** Any JSON value of the wrong type for a field. */
export const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  number,
  text(20),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
)

/** Completely arbitrary bodies: undefined means none at all. */
export const arbitraryBody = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.object({ maxDepth: 2 })
)

const MISSING = Symbol('missing')

/**
 * Valid bodies with exactly one thing wrong: one field given a value from its mutations or of the wrong type, or
 * left out, or an extra key added.
 */
const nearValid = <T extends Record<string, unknown>>(
  valid: fc.Arbitrary<T>,
  mutations: { [K in keyof T & string]: fc.Arbitrary<unknown> }
): fc.Arbitrary<Record<string, unknown>> => {
  const oneField = (Object.keys(mutations) as (keyof T & string)[]).map((key) =>
    fc
      .tuple(valid, fc.oneof({ weight: 3, arbitrary: mutations[key] }, wrongType, fc.constant(MISSING)))
      .map(([body, value]) => {
        const { [key]: _dropped, ...rest } = body
        return value === MISSING ? rest : { ...rest, [key]: value }
      })
  )
  const extraKey = fc
    .tuple(valid, fc.oneof(nasty, fc.string({ maxLength: 12 })), fc.jsonValue({ maxDepth: 1 }))
    .map(([body, key, value]) => (Object.hasOwn(body, key) ? body : { ...body, [key]: value }))
  return fc.oneof(...oneField, extraKey)
}

/** A body for a route that takes `valid`: mostly valid or nearly so, sometimes anything at all. */
export const bodyFor = <T extends Record<string, unknown>>(
  valid: fc.Arbitrary<T>,
  mutations: { [K in keyof T & string]: fc.Arbitrary<unknown> },
  weights = { valid: 3, near: 5, arbitrary: 2 }
): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: weights.valid, arbitrary: valid },
      { weight: weights.near, arbitrary: nearValid(valid, mutations) },
      { weight: weights.arbitrary, arbitrary: arbitraryBody }
    )

/** Lone surrogates made U+FFFD, as any client encoding UTF-8 would (encodeURIComponent throws on them). */
export const wellFormed = (value: string) =>
  value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

/**
 * A path parameter the router accepts (at most 100 UTF-16 units once decoded, valid percent-encoding): real ids,
 * the same in capitals, random UUIDs, UUID look-alikes and arbitrary text, percent-encoded. Longer and malformed
 * ones are the router's business, fuzzed once for every route at the end.
 */
export const pathParam = (
  real: readonly string[],
  weights = { real: 2, upper: 1, uuid: 1, lookalike: 2, text: 5, long: 1 }
) =>
  fc.oneof(
    { weight: weights.real, arbitrary: fc.constantFrom(...real) },
    { weight: weights.upper, arbitrary: fc.constantFrom(...real).map((id) => id.toUpperCase()) },
    { weight: weights.uuid, arbitrary: fc.uuid() },
    {
      weight: weights.lookalike,
      arbitrary: fc.oneof(
        fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
        fc.uuid().map((id) => id.replace(/-/g, '')),
        fc.uuid().map((id) => `{${id}}`),
        fc.uuid().map((id) => ` ${id}`),
        fc.uuid().map((id) => `${id.slice(0, -1)}g`),
        fc.uuid().map((id) => `urn:uuid:${id}`)
      )
    },
    { weight: weights.text, arbitrary: text(100) },
    { weight: weights.long, arbitrary: run(90, 100).map((value) => value.slice(0, 100)) }
  ).map((value) => encodeURIComponent(wellFormed(value)))

/** One query parameter value, or several (a repeated key). */
const queryValue = (valid: fc.Arbitrary<string>, broken: fc.Arbitrary<string>, validWeight: number) =>
  fc.oneof(
    { weight: validWeight, arbitrary: valid },
    { weight: 3, arbitrary: broken },
    { weight: 1, arbitrary: fc.array(fc.oneof(valid, broken), { minLength: 2, maxLength: 3 }) }
  )

type Query = Record<string, string | string[]>

const queryString = (query: Query) =>
  Object.entries(query)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (item) => `${encodeURIComponent(wellFormed(key))}=${encodeURIComponent(wellFormed(item))}`
      )
    )
    .join('&')

/** Raw query text, percent signs and brackets included, as a client might send it unencoded. */
export const rawQuery = fc.string({ unit: fc.constantFrom(...'ab=&%20F[].+;,_-~!*'), maxLength: 40 })

/**
 * A query: mostly the route's own parameters (valid or broken), sometimes unknown keys or raw text. `known` maps
 * each parameter to its valid and broken values; `always` makes every parameter present, and `validWeight` sets
 * how often a value is valid against three times broken.
 */
export const queryFor = (
  known: Record<string, { valid: fc.Arbitrary<string>; broken: fc.Arbitrary<string> }>,
  { always = false, validWeight = 6 } = {}
) => {
  const shape = Object.fromEntries(
    Object.entries(known).map(([key, { valid, broken }]) => [key, queryValue(valid, broken, validWeight)])
  )
  const own = fc.record(shape, always ? {} : { requiredKeys: [] }) as fc.Arbitrary<Query>
  const unknown = fc.dictionary(fc.oneof(nasty, fc.string({ maxLength: 10 })), text(20), { maxKeys: 3 })
  return fc.oneof(
    { weight: 7, arbitrary: own.map(queryString) },
    { weight: 1, arbitrary: fc.tuple(own, unknown).map(([a, b]) => queryString({ ...b, ...a })) },
    { weight: 1, arbitrary: unknown.map(queryString) },
    { weight: 1, arbitrary: rawQuery }
  )
}

export const withQuery = (path: string, query: string) => (query === '' ? path : `${path}?${query}`)

export const months = fc
  .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }))
  .map(([year, month]) => `${year}-${String(month).padStart(2, '0')}`)
export const brokenMonths = fc.oneof(
  fc.constantFrom('2026-13', '2026-00', '1899-12', '2100-01', '2026-1', '26-01', '2026/01', '2026-01-01', 'YYYY-MM'),
  text(12)
)
export const brokenCounts = fc.oneof(
  fc.constantFrom('0', '-1', '1.5', '1e3', '1e400', 'NaN', 'Infinity', '0x10', '', ' 2', '2 ', '+3', '１'),
  fc.integer().map(String),
  text(10)
)

type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }

/** Checks answers against the statuses each route documents, and counts what each route answered. */
export const createAnswerCheck = (app: FastifyInstance) => {
  const doc = app.swagger() as unknown as OpenApi
  const documented = new Map(
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [
        // A prefixed route '/' is documented with a trailing slash (GET /api/v1/reports/): one key for both.
        `${method.toUpperCase()} ${path.replace(/(.)\/$/, '$1')}`,
        new Set(Object.keys(operation.responses).map(Number))
      ])
    )
  )
  /** How often each route answered with each status, to show that the cases reached the service. */
  const seen = new Map<string, Map<number, number>>()

  return {
    /** The one check of every answer: documented for the route, below 500, and errors in the error shape. */
    check: (route: string, request: string, res: LightMyRequestResponse) => {
      const statuses = documented.get(route)
      const what = `${request} → ${res.statusCode} ${res.body.slice(0, 300)}`
      expect(statuses, `no OpenAPI operation ${route}`).toBeDefined()
      expect(res.statusCode, what).toBeLessThan(500)
      expect([...(statuses ?? [])], what).toContain(res.statusCode)
      if (res.statusCode >= 400) {
        const body = res.json() as Record<string, unknown>
        expect(Object.keys(body).sort(), what).toEqual(['error', 'message', 'requestId'])
        const text = expect.any(String)
        expect(body, what).toEqual({ error: text, message: text, requestId: text })
      }
      const counts = seen.get(route) ?? new Map<number, number>()
      counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1)
      seen.set(route, counts)
    },

    /** That the cases reached the service: the route answered with each of `statuses` at least once. */
    expectSeen: (route: string, statuses: number[]) => {
      expect([...(seen.get(route)?.keys() ?? [])], route).toEqual(expect.arrayContaining(statuses))
    }
  }
}

export type AnswerCheck = ReturnType<typeof createAnswerCheck>
