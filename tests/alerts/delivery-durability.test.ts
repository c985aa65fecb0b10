import { afterEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, waitFor } from '../helpers/alerts.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'
import { signedInUser } from '../helpers/users.js'

// Issue 13: a crash between the outbox's commit and the send loses no alert, and a receiver that honours the alert
// id acts on each once. The outbox is written by an approval on one server (its worker off); a second server,
// a separate process, leases a row (committed), sends it, and is killed with SIGKILL while the receiver holds the
// request open — before it can mark the row sent. After a restart the lease runs out and the row is sent again.
describe('alert outbox across a SIGKILL', () => {
  let testDb: TestDatabase | undefined
  let server: ChildServer | undefined
  let receiver: Receiver | undefined
  afterEach(async () => {
    if (server && server.process.exitCode === null && server.process.signalCode === null) {
      server.process.kill('SIGKILL')
      await server.exited
    }
    await receiver?.close()
    await testDb?.drop()
    server = testDb = receiver = undefined
  })

  it('delivers every approved alert, once per alert id, after a kill between commit and send', async () => {
    testDb = await createTestDatabase()
    receiver = await startReceiver()
    const t = await createTestApp({ database: testDb, env: { ALERT_DELIVERY_SECONDS: '0', WEBHOOK_PRIVATE_ADDRESSES: 'true' } })
    const leadA = await signedInUser(t.app, { email: 'lead-a@candid.test', role: 'lead' })
    const leadB = await signedInUser(t.app, { email: 'lead-b@candid.test', role: 'lead' })
    const admin = await signedInUser(t.app, { email: 'admin@candid.test', role: 'admin' })
    const hook = await t.app.inject({
      method: 'POST', url: '/api/v1/alerts/webhooks', headers: admin.headers, payload: { region: 'london', url: receiver.url }
    })
    receiver.secret = new Uint8Array(Buffer.from((hook.json() as { secret: string }).secret, 'base64url'))
    const ids: string[] = []
    for (const hazard of ['Court bundles sent unencrypted.', 'Weekend rota has no manager.']) {
      const drafted = await t.app.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: leadA.headers,
        payload: { hazard, themes: ['PA'], step: 'Check before sending.', regions: ['london'] }
      })
      const id = (drafted.json() as { alert: { id: string } }).alert.id
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/approve`, headers: leadB.headers })).statusCode).toBe(200)
      ids.push(id)
    }
    expect(await t.app.db.prisma.alertDelivery.count({ where: { status: 'pending' } })).toBe(2)
    await t.stop()

    // The first delivery to arrive is held open: the sender has leased (and committed) the row and sent, and is
    // waiting for the answer when it is killed.
    let held = 0
    receiver.onDelivery = () => (held++ === 0 ? new Promise<void>(() => {}) : Promise.resolve())
    const env = {
      ...testDb.env,
      ALERT_DELIVERY_SECONDS: '1',
      ALERT_LEASE_SECONDS: '2',
      ALERT_RETRY_SECONDS: '1',
      // The test's receiver listens on loopback.
      WEBHOOK_PRIVATE_ADDRESSES: 'true'
    }
    server = await startChildServer('src/server.ts', env)
    await waitFor(() => held >= 1, 30_000, 'the first delivery to reach the receiver')
    server.process.kill('SIGKILL')
    await server.exited
    expect(receiver.received).toHaveLength(0)

    server = await startChildServer('src/server.ts', env)
    await waitFor(() => new Set(receiver?.received.map((entry) => entry.alertId)).size === 2, 30_000, 'both alerts')
    // A few more runs of the worker: nothing more is sent once both rows are marked.
    await waitFor(() => server!.lines.filter((line) => line.includes('"outcome":"sent"')).length >= 2, 10_000, 'both marked')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const byId = new Map<string, number>()
    for (const entry of receiver.received) {
      byId.set(entry.alertId, (byId.get(entry.alertId) ?? 0) + 1)
    }
    expect([...byId.keys()].sort()).toEqual([...ids].sort())
    // Acted on once per alert id: the held delivery never completed, so each id reached the receiver's handler once.
    expect([...byId.values()]).toEqual([1, 1])
    // The held request was the only one seen twice, and it carried the same alert id when sent again.
    expect(held).toBe(3)
  })
})
