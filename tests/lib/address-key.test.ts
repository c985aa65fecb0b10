import { describe, expect, it } from 'vitest'
import { createAddressKeyer, sharedDailyKey } from '../../src/lib/address-key.js'

describe('rate-limit keys (R4)', () => {
  it('never contain the address, are stable within a day and change at the day boundary', () => {
    let now = Date.UTC(2026, 10, 21, 23, 59, 0)
    const keyFor = createAddressKeyer({ now: () => now })
    const address = '198.51.100.23'

    const first = keyFor(address)
    expect(first).not.toContain('198.51')
    expect(first).not.toContain(address)
    expect(keyFor(address)).toBe(first)
    expect(keyFor('198.51.100.24')).not.toBe(first)

    now += 2 * 60 * 1000
    expect(keyFor(address)).not.toBe(first)
  })

  it('agree between instances sharing a secret, and still change every day', () => {
    let now = Date.UTC(2026, 10, 21, 12)
    const secret = new Uint8Array(32).fill(7)
    const instanceA = createAddressKeyer({ now: () => now, keyForDay: sharedDailyKey(secret) })
    const instanceB = createAddressKeyer({ now: () => now, keyForDay: sharedDailyKey(secret) })
    const alone = createAddressKeyer({ now: () => now })

    const today = instanceA('198.51.100.23')
    expect(instanceB('198.51.100.23')).toBe(today)
    expect(alone('198.51.100.23')).not.toBe(today)
    now += 86_400_000
    expect(instanceA('198.51.100.23')).not.toBe(today)
  })
})
