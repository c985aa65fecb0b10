import { describe, expect, it } from 'vitest'
import { createAddressKeyer } from '../../src/lib/address-key.js'

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
})
