import { openWithKey, sealWithKey } from '../../lib/crypto/sealing.js'
import { keyedHash } from '../../lib/crypto/secrets.js'
import type { Sodium } from '../../lib/crypto/sodium.js'

/**
 * Idempotency-Key handling without keeping the key or the answer readable (R34): the database holds a keyed hash
 * of the key, a MAC binding the key to the request, and the first response sealed under a key derived from the
 * Idempotency-Key and the server secret. The response holds the receipt and the redacted narrative, so only
 * someone who presents the same Idempotency-Key to this server can have it back.
 */

const RESPONSE_CONTEXT = 'candid:idempotent-response|v1'

/** Key order does not change the request: objects are serialised with sorted keys. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner
  )

export type IdempotencyKeys = { hashKey: Uint8Array; sealKey: Uint8Array }

export const createIdempotency = (sodium: Sodium, keys: IdempotencyKeys) => {
  const responseKey = (idempotencyKey: string) => keyedHash(sodium, idempotencyKey, keys.sealKey)

  return {
    keyHash: (idempotencyKey: string) => keyedHash(sodium, `key|${idempotencyKey}`, keys.hashKey),

    requestMac: (idempotencyKey: string, request: unknown) =>
      keyedHash(sodium, `request|${idempotencyKey}|${canonical(request)}`, keys.hashKey),

    sameRequest: (a: Uint8Array, b: Uint8Array) => a.length === b.length && sodium.memcmp(a, b),

    sealResponse: (idempotencyKey: string, response: unknown): Uint8Array => {
      const plaintext = new TextEncoder().encode(JSON.stringify(response))
      return sealWithKey(sodium, plaintext, responseKey(idempotencyKey), RESPONSE_CONTEXT)
    },

    openResponse: <T>(idempotencyKey: string, sealed: Uint8Array): T => {
      const plaintext = openWithKey(sodium, sealed, responseKey(idempotencyKey), RESPONSE_CONTEXT)
      return JSON.parse(new TextDecoder().decode(plaintext)) as T
    }
  }
}

export type Idempotency = ReturnType<typeof createIdempotency>
