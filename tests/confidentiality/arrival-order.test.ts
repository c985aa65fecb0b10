import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseReceipt } from '../../src/lib/crypto/secrets.js'
import { FLUSHED_SETTING, flushHeldReports } from '../../src/modules/reports/intake-batch.js'
import { hashReceipt } from '../../src/modules/reports/reports.service.js'
import { coding } from '../helpers/codings.js'
import { rawDatabaseBytes } from '../helpers/db-contents.js'
import { newIdempotencyKey, postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'
import { createUser, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

/**
 * Issue 17.6: a copy of the database (the raw table with its transaction ids and tuple places, or a pg_dump) must
 * not order a report's arrival between reviewers' actions whose instants are stored. Reports are submitted
 * interleaved with sign-ins, reads (audit events) and codings; the real schedule flushes them; then every report
 * of the batch has one xmin, later than every interleaved write, and sits in the table (and in the dump) in an order
 * unrelated to arrival. Run against the code before this change (intake inserting into report, the held-table
 * checks left out), 24 reports had 24 xmins, only the last after the last interleaved write, and the table's order
 * was the arrival order (Kendall's tau = 1): the xmin and order assertions below fail there.
 */

const BATCH_SECONDS = 30
const PERIOD_MS = BATCH_SECONDS * 1000
const REPORTS = 24
const ENV = { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0', RETENTION_SWEEP_MINUTES: '0' }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Kendall's rank correlation with 0..n-1: 1 in order, -1 reversed, about 0 (sd 0.15 at n=24) shuffled. */
const kendallTau = (sequence: number[]) => {
  let score = 0
  for (let i = 0; i < sequence.length; i++) {
    for (let j = i + 1; j < sequence.length; j++) {
      score += Math.sign((sequence[j] as number) - (sequence[i] as number))
    }
  }
  return score / ((sequence.length * (sequence.length - 1)) / 2)
}

/** "(page,item)" → a number that sorts as the tuple's place in the heap. */
const place = (ctid: string) => {
  const [page, item] = ctid.slice(1, -1).split(',').map(Number)
  return (page as number) * 10_000 + (item as number)
}

/** The data rows of one table's COPY block in a plain pg_dump, in the dump's order. */
const dumpRows = (dump: string, table: string) => {
  const start = dump.indexOf(`COPY public.${table} (`)
  expect(start, `pg_dump has no COPY block for ${table}`).toBeGreaterThanOrEqual(0)
  const body = dump.slice(dump.indexOf('\n', start) + 1)
  return body.slice(0, body.indexOf('\\.\n')).split('\n').filter(Boolean)
}

describe('arrival order is not in the database', () => {
  let database: TestDatabase
  let t: TestApp
  let reviewerUser: TestUser
  let otherUser: TestUser
  let reviewer: SignedIn
  let seedId: string

  const count = async (table: 'report' | 'report_held' | 'idempotency_record') => {
    const [row] = await t.app.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`)
    return Number(row?.n)
  }
  const maxXmin = async (table: string) => {
    const [row] = await t.app.db.prisma.$queryRawUnsafe<{ x: string | null }[]>(
      `SELECT max(xmin::text::bigint)::text AS x FROM ${table}`
    )
    return BigInt(row?.x ?? 0)
  }
  const receiptHashHex = (receipt: string) =>
    Buffer.from(hashReceipt(t.app.keys.get(), parseReceipt(receipt) as Uint8Array)).toString('hex')
  /**
   * Waits until the clock is just past a batch boundary and the schedule's flush at it has run: a window is open.
   * On a loaded machine (CI runs two test files at once) that flush can come late; then the window is too short to
   * work in, and the next one is tried.
   */
  const waitForWindowStart = async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const into = Date.now() % PERIOD_MS
      if (into < 3_000 || into > 4_000) {
        await sleep((PERIOD_MS - into + 3_000) % PERIOD_MS)
      }
      const boundary = Date.now() - (Date.now() % PERIOD_MS)
      for (let waited = 0; waited <= 6_000; waited += 100) {
        const setting = await t.app.db.prisma.appSetting.findUnique({ where: { key: FLUSHED_SETTING } })
        if (Number(setting?.value) * 1000 >= boundary) {
          // Not late: most of the window is left for the test's writes.
          if (Date.now() - boundary < 10_000) return boundary + PERIOD_MS
          break
        }
        await sleep(100)
      }
    }
    throw new Error('the schedule did not flush at four boundaries running')
  }
  const waitForFlush = async (reports: number) => {
    for (let waited = 0; waited < PERIOD_MS + 15_000; waited += 250) {
      if ((await count('report')) >= reports) return
      await sleep(250)
    }
    throw new Error('the scheduled flush did not come')
  }

  beforeAll(async () => {
    // First start with reports flushed at once (as in other tests): the users and a report reviewers act on.
    database = await createTestDatabase()
    t = await createTestApp({ database, env: { ...ENV, INTAKE_BATCH_SECONDS: '0' } })
    reviewerUser = await createUser(t.app, { email: 'arrival.reviewer@example.org', recoveryKey: t.recoveryKey })
    otherUser = await createUser(t.app, { email: 'arrival.other@example.org' })
    expect((await postReport(t.app)).statusCode).toBe(201)
    seedId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
    await t.stop()
    // Then as in production: held, and flushed on the clock's multiples of the batch window.
    t = await createTestApp({ database, env: { ...ENV, INTAKE_BATCH_SECONDS: String(BATCH_SECONDS) } })
    reviewer = await signIn(t.app, reviewerUser)
  }, 120_000)
  afterAll(async () => {
    await t?.stop()
    await database?.drop()
  })

  it('flushes a batch in one transaction, after every write of its window, in an order unrelated to arrival', async () => {
    const windowEnd = await waitForWindowStart()
    const arrival: string[] = [] // receipt hashes, in the order the reports arrived
    const interleaved = [
      async () => {
        const read = await t.app.inject({ method: 'GET', url: `/api/v1/reports/${seedId}`, headers: reviewer.headers })
        expect(read.statusCode, read.body).toBe(200)
      },
      async () => {
        const coded = await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${seedId}/codings`,
          headers: reviewer.headers,
          payload: coding()
        })
        expect([200, 201], coded.body).toContain(coded.statusCode)
      },
      async () => {
        await signIn(t.app, otherUser)
      }
    ]
    let signIns = 0
    for (let i = 0; i < REPORTS; i++) {
      const headers: Record<string, string> = i % 3 === 0 ? { 'idempotency-key': newIdempotencyKey() } : {}
      const filed = await postReport(t.app, reportBody(), headers)
      expect(filed.statusCode, filed.body).toBe(201)
      arrival.push(receiptHashHex(filed.json().receipt as string))
      const step = i % interleaved.length
      if (step === 2 && signIns++ >= 2) continue // a user signs in at most three times in a TOTP window
      await (interleaved[step] as () => Promise<void>)()
    }
    expect(Date.now(), 'this machine was too slow to fit the writes in one batch window').toBeLessThan(windowEnd)

    // Not moved by an arrival: everything waits, in report_held, where its order still shows (this is the window).
    expect(await count('report')).toBe(1)
    expect(await count('report_held')).toBe(REPORTS)
    expect(await count('idempotency_record')).toBe(0)
    const lastWrite = [
      await maxXmin('audit_event'),
      await maxXmin('session'),
      await maxXmin('coding')
    ].reduce((a, b) => (a > b ? a : b))

    await waitForFlush(REPORTS + 1)

    // The raw table: one xmin for the whole batch, after every interleaved write, tuples in shuffled places.
    const rows = await t.app.db.prisma.$queryRaw<{ xmin: string; ctid: string; hash: string; id: string }[]>`
      SELECT xmin::text AS xmin, ctid::text AS ctid, encode(receipt_hash, 'hex') AS hash, id::text AS id
      FROM report WHERE id <> ${seedId}::uuid`
    expect(rows).toHaveLength(REPORTS)
    expect(new Set(rows.map((row) => row.xmin)).size).toBe(1)
    expect(BigInt((rows[0] as { xmin: string }).xmin)).toBeGreaterThan(lastWrite)
    const physical = [...rows].sort((a, b) => place(a.ctid) - place(b.ctid)).map((row) => arrival.indexOf(row.hash))
    expect([...physical].sort((a, b) => a - b)).toEqual([...Array(REPORTS).keys()])
    expect(Math.abs(kendallTau(physical)), `physical order ${physical.join(',')}`).toBeLessThan(0.6)

    // The replay records moved in the same transaction (none was written when its report arrived).
    const replays = await t.app.db.prisma.$queryRaw<{ xmin: string }[]>`SELECT xmin::text AS xmin FROM idempotency_record`
    expect(replays).toHaveLength(REPORTS / 3)
    expect(replays.every((row) => row.xmin === rows[0]?.xmin)).toBe(true)

    // The holding table is empty, and on disk too: TRUNCATE gave it a new, empty file.
    expect(await count('report_held')).toBe(0)
    const [size] = await t.app.db.prisma.$queryRaw<{ bytes: number }[]>`
      SELECT pg_relation_size('report_held')::int AS bytes`
    expect(Number(size?.bytes)).toBe(0)

    // What a dump reads: rows in physical order, so no arrival order either (PGlite: its sequential scan).
    const idToArrival = new Map(rows.map((row) => [row.id, arrival.indexOf(row.hash)]))
    let dumped: string[]
    if (t.config.database.kind === 'postgres') {
      const dump = rawDatabaseBytes(t.config).toString('utf8')
      expect(dumpRows(dump, 'report_held')).toEqual([])
      dumped = dumpRows(dump, 'report').map((line) => line.split('\t')[0] as string)
    } else {
      dumped = (await t.app.db.prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM report`).map((r) => r.id)
    }
    const dumpOrder = dumped.filter((id) => id !== seedId).map((id) => idToArrival.get(id) as number)
    expect(dumpOrder).toHaveLength(REPORTS)
    expect(Math.abs(kendallTau(dumpOrder)), `dump order ${dumpOrder.join(',')}`).toBeLessThan(0.6)
  }, 180_000)

  it('a held report answers to its receipt, can be withdrawn, replays its Idempotency-Key and survives a restart', async () => {
    await waitForWindowStart()
    const before = await count('report')
    const kept = await postReport(t.app)
    const key = newIdempotencyKey()
    const body = reportBody({ narrative: 'The core group minutes were sent before the chair had agreed them.' })
    const withdrawn = await postReport(t.app, body, { 'idempotency-key': key })
    expect([kept.statusCode, withdrawn.statusCode]).toEqual([201, 201])
    const receipt = (res: typeof kept) => `/api/v1/receipts/${res.json().receipt as string}`

    // Held: the receipt works, the queue does not show it, a retry is answered as the first time.
    expect(await count('report_held')).toBe(2)
    const status = await t.app.inject({ method: 'GET', url: receipt(kept) })
    expect(status.statusCode, status.body).toBe(200)
    expect(status.json()).toMatchObject({ status: 'new', messages: [] })
    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/reports?pageSize=100', headers: reviewer.headers })
    expect(queue.statusCode, queue.body).toBe(200)
    expect(JSON.stringify(queue.json())).not.toContain((await t.app.db.prisma.heldReport.findFirstOrThrow()).id)
    const retry = await postReport(t.app, body, { 'idempotency-key': key })
    expect(retry.statusCode).toBe(201)
    expect(retry.json()).toEqual(withdrawn.json())
    expect(await count('report_held')).toBe(2)
    // Nothing can be added to it before the reviewers have it; withdrawing destroys its narrative at once.
    const answer = await t.app.inject({ method: 'POST', url: `${receipt(kept)}/messages`, payload: { text: 'More.' } })
    expect(answer.statusCode).toBe(409)
    const gone = await t.app.inject({ method: 'POST', url: `${receipt(withdrawn)}/withdraw`, payload: { confirm: true } })
    expect(gone.statusCode, gone.body).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: receipt(withdrawn) })).json()).toMatchObject({ status: 'withdrawn' })

    // A restart loses nothing held; the schedule of the new start moves it.
    await t.stop()
    t = await createTestApp({ database, env: { ...ENV, INTAKE_BATCH_SECONDS: String(BATCH_SECONDS) } })
    expect(await count('report_held')).toBe(2)
    await waitForFlush(before + 2)
    expect(await count('report_held')).toBe(0)
    const moved = await t.app.db.prisma.report.findMany({
      where: { receiptHash: { in: [kept, withdrawn].map((res) => Buffer.from(receiptHashHex(res.json().receipt), 'hex')) } },
      select: { status: true, narrativeCiphertext: true, destroyedOn: true }
    })
    expect(moved.map((report) => report.status).sort()).toEqual(['new', 'withdrawn'])
    const gonePart = moved.find((report) => report.status === 'withdrawn')
    expect(gonePart?.narrativeCiphertext).toBeNull()
    expect(gonePart?.destroyedOn).not.toBeNull()
    expect((await t.app.inject({ method: 'GET', url: receipt(kept) })).json()).toMatchObject({ status: 'new' })
    const again = await postReport(t.app, body, { 'idempotency-key': key })
    expect(again.json()).toEqual(withdrawn.json())
  }, 180_000)

  it('flushes once per boundary however many instances try, and moves each report once', async () => {
    await waitForWindowStart()
    const before = await count('report')
    for (let i = 0; i < 3; i++) {
      expect((await postReport(t.app)).statusCode).toBe(201)
    }
    // Other instances' timers, a moment after this one's flush at the boundary: the boundary is recorded, so they
    // move nothing, and the reports that arrived since wait for the next boundary rather than form a tiny batch.
    const late = await Promise.all([0, 1].map(() => flushHeldReports(t.app.db.prisma, BATCH_SECONDS)))
    expect(late).toEqual([0, 0])
    expect(await count('report_held')).toBe(3)
    // A report dated after the boundary's day (it came in the seconds after midnight, before the flush) waits for
    // the next batch: moved with the day before's, its date would place it within those seconds. It is put back
    // into the emptied table. (A one-second schedule here, so that this flush has a boundary of its own.)
    const [tomorrow] = await t.app.db.prisma.$queryRaw<{ id: string }[]>`
      UPDATE report_held SET received_on = received_on + 1
      WHERE id = (SELECT id FROM report_held LIMIT 1) RETURNING id::text AS id`
    await sleep(1_000)
    expect(await flushHeldReports(t.app.db.prisma, 1)).toBe(2)
    expect(await t.app.db.prisma.heldReport.findMany({ select: { id: true } })).toEqual([tomorrow])
    // Two flushes at once (each takes report_held's lock in turn): one moves everything, the other finds nothing.
    const both = await Promise.all([0, 1].map(() => flushHeldReports(t.app.db.prisma, 0)))
    expect([...both].sort()).toEqual([0, 1])
    expect(await count('report')).toBe(before + 3)
    expect(await count('report_held')).toBe(0)
  }, 180_000)
})
