import { createHmac, randomBytes } from 'node:crypto'

/**
 * Rate-limit keys for anonymous routes that never hold an address (R4): HMAC-SHA-256 of the (normalised) client
 * address under a random key that exists only in this process's memory and is replaced every UTC day. Nobody —
 * not even this process tomorrow — can turn a stored key back into an address or link two days.
 */
export type AddressKeyer = (address: string) => string

const DAY_MS = 86_400_000

export const createAddressKeyer = ({
  now = () => Date.now(),
  newKey = () => randomBytes(32)
}: { now?: () => number; newKey?: () => Buffer } = {}): AddressKeyer => {
  let day = -1
  let key = newKey()
  return (address) => {
    const today = Math.floor(now() / DAY_MS)
    if (today !== day) {
      day = today
      key.fill(0)
      key = newKey()
    }
    return createHmac('sha256', key).update(address).digest('base64url')
  }
}
