import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

const blockEventLoop = (ms: number) => {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // Busy-wait on purpose: this is the stall under test.
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('load shedding (R36)', () => {
  let t: TestApp
  beforeAll(async () => {
    // Utilisation is left out so that only the event-loop delay can trip the limit.
    t = await createTestApp({ env: { MAX_EVENT_LOOP_UTILIZATION: '1', MAX_EVENT_LOOP_DELAY_MS: '1000' } })
  })
  afterAll(() => t.close())

  it('answers 503 with Retry-After after the event loop stalls for 1.5 s, but stays live', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200)

    // under-pressure averages delay over its sampling window; a stall right after a sample dominates the next
    // one, so stall until the sampler has seen one (at most a few rounds).
    let shed = await t.app.inject({ method: 'GET', url: '/health/ready' })
    for (let round = 0; round < 4 && shed.statusCode !== 503; round++) {
      blockEventLoop(1500)
      await tick()
      shed = await t.app.inject({ method: 'GET', url: '/health/ready' })
    }
    const live = await t.app.inject({ method: 'GET', url: '/health/live' })

    expect(shed.statusCode).toBe(503)
    expect(shed.headers['retry-after']).toBe('10')
    expect(shed.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' })
    expect(shed.headers['cache-control']).toBe('no-store')
    expect(live.statusCode).toBe(200)
  })
})
