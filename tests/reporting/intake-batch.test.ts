import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { scheduleFlushes } from '../../src/modules/reports/intake-batch.js'

/**
 * Issue 17.6: the flush schedule is the clock's multiples of INTAKE_BATCH_SECONDS (plus a 2 s margin), whenever the
 * instance started, so instances agree; never a period after start or after an arrival.
 */
describe('scheduleFlushes', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('flushes 2 s after each multiple of the period, from any start, until stopped', async () => {
    const period = 600_000
    vi.setSystemTime(7 * period + 123_456) // started mid-window
    const at: number[] = []
    const schedule = scheduleFlushes(
      async () => {
        at.push(Date.now())
        return 0
      },
      period / 1000,
      () => {}
    )
    await vi.advanceTimersByTimeAsync(3 * period)
    expect(at).toEqual([8 * period + 2_000, 9 * period + 2_000, 10 * period + 2_000])
    await schedule.stop()
    await vi.advanceTimersByTimeAsync(3 * period)
    expect(at).toHaveLength(3)
  })

  it('started just after a boundary, flushes for that boundary; a failed flush is reported and the next still runs', async () => {
    const period = 60_000
    vi.setSystemTime(5 * period + 500)
    const at: number[] = []
    const errors: unknown[] = []
    const schedule = scheduleFlushes(
      async () => {
        at.push(Date.now())
        if (at.length === 1) throw new Error('database away')
        return 1
      },
      period / 1000,
      (error) => errors.push(error)
    )
    await vi.advanceTimersByTimeAsync(period + 2_000)
    expect(at).toEqual([5 * period + 2_000, 6 * period + 2_000])
    expect(errors).toHaveLength(1)
    await schedule.stop()
  })
})
