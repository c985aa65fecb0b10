import { afterEach, describe, expect, it } from 'vitest'
import { runAdmin } from '../helpers/admin.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { newIdempotencyKey, reportBody } from '../helpers/reports.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

// R33 and the intake issue: nothing acknowledged is lost. A burst of submissions runs while the server is killed
// with SIGKILL (no shutdown, no flush); after a restart on the same database every report that was answered 201
// is there and its receipt works — and retrying the unanswered ones with their Idempotency-Key stores each once.
describe('acknowledged means durable', () => {
  let testDb: TestDatabase | undefined
  let server: ChildServer | undefined
  afterEach(async () => {
    if (server && server.process.exitCode === null && server.process.signalCode === null) {
      server.process.kill('SIGKILL')
      await server.exited
    }
    await testDb?.drop()
    server = testDb = undefined
  })

  it('keeps every report answered 201 across a SIGKILL during a burst', async () => {
    testDb = await createTestDatabase()
    const env = { ...testDb.env, RATE_LIMIT_INTAKE_PER_10MIN: '1000000', RATE_LIMIT_RECEIPT_PER_MIN: '1000000' }
    // A child's stdout is a pipe, so it makes no team key itself (17.8): the operator's `admin init` first.
    expect((await runAdmin(['init'], testDb.env)).code).toBe(0)
    server = await startChildServer('src/server.ts', env)
    const url = `http://127.0.0.1:${server.port}`

    type Attempt = { key: string; body: object; receipt?: string; failed?: boolean }
    const attempts: Attempt[] = []
    const state = { isKilled: false }
    const worker = async () => {
      for (;;) {
        const attempt: Attempt = { key: newIdempotencyKey(), body: reportBody({ narrative: `Burst report number ${attempts.length} about a late visit.` }) }
        attempts.push(attempt)
        try {
          const res = await fetch(`${url}/api/v1/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': attempt.key },
            body: JSON.stringify(attempt.body)
          })
          if (res.status === 201) {
            attempt.receipt = ((await res.json()) as { receipt: string }).receipt
          } else {
            attempt.failed = true
          }
        } catch {
          attempt.failed = true
          if (state.isKilled) {
            return
          }
        }
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    while (attempts.filter((attempt) => attempt.receipt).length < 60) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    server.process.kill('SIGKILL')
    state.isKilled = true
    await server.exited
    await Promise.all(workers)

    const acknowledged = attempts.filter((attempt) => attempt.receipt)
    expect(acknowledged.length).toBeGreaterThanOrEqual(60)

    server = await startChildServer('src/server.ts', env)
    const restarted = `http://127.0.0.1:${server.port}`
    for (const attempt of acknowledged) {
      const res = await fetch(`${restarted}/api/v1/receipts/${attempt.receipt}`)
      expect(res.status, attempt.receipt).toBe(200)
    }
    // The unanswered ones, retried with their keys: stored exactly once each, acknowledged ones replayed.
    for (const attempt of attempts) {
      const res = await fetch(`${restarted}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': attempt.key },
        body: JSON.stringify(attempt.body)
      })
      expect(res.status).toBe(201)
      const { receipt } = (await res.json()) as { receipt: string }
      if (attempt.receipt) {
        expect(receipt).toBe(attempt.receipt)
      }
    }
    const ready = await fetch(`${restarted}/health/ready`)
    expect(ready.status).toBe(200)
  })
})
