import sodium from 'libsodium-wrappers'

/**
 * libsodium (WASM build) for every cipher in the service. It must be awaited once before use; callers do that
 * through `loadSodium()` at start-up (src/plugins/crypto.ts) or in tests.
 */
let ready: Promise<typeof sodium> | undefined

export const loadSodium = (): Promise<typeof sodium> => {
  ready ??= sodium.ready.then(() => sodium)
  return ready
}

export type Sodium = typeof sodium
