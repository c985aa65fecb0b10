import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scheduleSweeps } from '../../src/modules/retention/index.js'
import { retentionCutoff } from '../../src/modules/retention/retention.service.js'
import { coding } from '../helpers/codings.js'
import { dumpAllRows } from '../helpers/db-contents.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn } from '../helpers/users.js'

const daysAgo = (days: number) => {
  const date = new Date()
  date.setUTCHours(0, 0, 0, 0)
  date.setUTCDate(date.getUTCDate() - days)
  return date
}

describe('retention: narratives and messages destroyed a configured time after closure', () => {
  let t: TestApp
  let reviewer: SignedIn
  const ids: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', RETENTION_MONTHS_AFTER_CLOSURE: '12' } })
    reviewer = await signIn(t.app, await createUser(t.app, { email: 'rev@example.org', recoveryKey: t.recoveryKey }))
    for (let i = 0; i < 3; i++) {
      expect((await postReport(t.app, reportBody())).statusCode).toBe(201)
      const row = await t.app.db.prisma.report.findFirstOrThrow({ where: { id: { notIn: ids } }, select: { id: true } })
      ids.push(row.id)
    }
    for (const id of ids) {
      const headers = reviewer.headers
      await t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/codings`, headers, payload: coding() })
      await t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/questions`, headers, payload: { text: 'When?' } })
      const closed = await t.app.inject({ method: 'PATCH', url: `/api/v1/reports/${id}`, headers, payload: { status: 'closed' } })
      expect(closed.statusCode).toBe(200)
    }
  })
  afterAll(() => t.close())

  it('closing records the date, and reopening clears it', async () => {
    const [, , reopened] = ids as [string, string, string]
    expect((await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: reopened } })).closedOn).not.toBeNull()
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${reopened}`,
      headers: reviewer.headers,
      payload: { status: 'in_review' }
    })
    expect(res.statusCode).toBe(200)
    expect((await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: reopened } })).closedOn).toBeNull()
  })

  it('the cutoff is the same day, the configured number of months earlier', () => {
    expect(retentionCutoff(new Date('2027-03-15T00:00:00Z'), 12).toISOString().slice(0, 10)).toBe('2026-03-15')
    expect(retentionCutoff(new Date('2027-01-10T00:00:00Z'), 3).toISOString().slice(0, 10)).toBe('2026-10-10')
    // Month ends clamp to the shorter month rather than spilling into the next one.
    expect(retentionCutoff(new Date('2027-12-31T00:00:00Z'), 10).toISOString().slice(0, 10)).toBe('2027-02-28')
    expect(retentionCutoff(new Date('2028-03-31T00:00:00Z'), 1).toISOString().slice(0, 10)).toBe('2028-02-29')
  })

  it('destroys what was closed longer ago than that, keeps the coded record, and leaves the rest', async () => {
    const [old, recent, open] = ids as [string, string, string]
    const prisma = t.app.db.prisma
    await prisma.report.update({ where: { id: old }, data: { closedOn: daysAgo(370) } })
    await prisma.report.update({ where: { id: recent }, data: { closedOn: daysAgo(300) } })
    const sealed = await prisma.report.findUniqueOrThrow({ where: { id: old } })
    const ciphertext = Buffer.from(sealed.narrativeCiphertext ?? []).toString('hex')
    expect(ciphertext.length).toBeGreaterThan(48)

    expect(await t.app.retention.sweep()).toBe(1)
    expect(await t.app.retention.sweep()).toBe(0)

    const destroyed = await prisma.report.findUniqueOrThrow({ where: { id: old } })
    expect(destroyed).toMatchObject({ narrativeCiphertext: null, narrativeSealedKey: null, status: 'closed' })
    expect(destroyed.destroyedOn).not.toBeNull()
    expect(await prisma.reportMessage.count({ where: { reportId: old } })).toBe(0)
    expect(await prisma.coding.count({ where: { reportId: old } })).toBe(1)
    expect(await dumpAllRows(t.app.db)).not.toContain(ciphertext)
    for (const id of [recent, open]) {
      const kept = await prisma.report.findUniqueOrThrow({ where: { id } })
      expect(kept.narrativeCiphertext).not.toBeNull()
      expect(await prisma.reportMessage.count({ where: { reportId: id } })).toBe(1)
    }
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/reports/${old}`, headers: { cookie: reviewer.cookie } })
    expect(read.json()).toMatchObject({ narrative: null, messages: [] })
    expect(read.json().codings).toHaveLength(1)
    const reopen = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${old}`,
      headers: reviewer.headers,
      payload: { status: 'in_review' }
    })
    expect(reopen.statusCode).toBe(409)
  })
})

describe('the retention schedule', () => {
  it('runs the sweep after the first delay and then on every interval, one at a time, and stops cleanly', async () => {
    let runs = 0
    let concurrent = 0
    let maxConcurrent = 0
    const lines: string[] = []
    const note = (_fields: object, message: string) => {
      lines.push(message)
    }
    const log = { info: note, warn: note }
    const sweep = async () => {
      runs++
      concurrent++
      maxConcurrent = Math.max(maxConcurrent, concurrent)
      await new Promise((resolve) => setTimeout(resolve, 30))
      concurrent--
      if (runs === 2) {
        throw new Error('database away')
      }
      return runs === 1 ? 3 : 0
    }
    const stop = scheduleSweeps(sweep, log, { firstMs: 10, everyMs: 20 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await stop()
    const after = runs
    await new Promise((resolve) => setTimeout(resolve, 60))

    expect(runs).toBeGreaterThanOrEqual(3)
    expect(runs).toBe(after)
    expect(maxConcurrent).toBe(1)
    expect(lines).toContain('destroyed narratives past retention')
    expect(lines).toContain('retention sweep failed; it will run again')
  })
})
