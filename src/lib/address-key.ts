import { createHmac, randomBytes } from 'node:crypto'

/**
 * Rate-limit keys for anonymous routes that never hold an address (R4): HMAC-SHA-256 of the (normalised) client
 * address under a key replaced every UTC day. By default that key is random and lives only in this process's
 * memory: nobody — not even this process tomorrow — can turn a stored key back into an address or link two days.
 * Several instances sharing counters through Redis need the same key: `keyForDay` derives it from the server
 * secret (which must then be kept out of the database), and Redis keeps the counters only for the limit's window.
 */
export type AddressKeyer = (address: string) => string

const DAY_MS = 86_400_000

export const createAddressKeyer = ({
  now = () => Date.now(),
  keyForDay = () => randomBytes(32)
}: { now?: () => number; keyForDay?: (day: number) => Buffer } = {}): AddressKeyer => {
  let day = -1
  let key: Buffer = Buffer.alloc(32)
  return (address) => {
    const today = Math.floor(now() / DAY_MS)
    if (today !== day) {
      day = today
      key.fill(0)
      key = keyForDay(today)
    }
    return createHmac('sha256', key).update(address).digest('base64url')
  }
}

/** The shared daily key for instances that count together: HMAC(secret, "candid-rate-limit|<day>"). */
export const sharedDailyKey = (secret: Uint8Array) => (day: number) =>
  createHmac('sha256', secret).update(`candid-rate-limit|${day}`).digest()
