import { fromCrockford, groupsOfFour, toCrockford } from './encoding.js'
import { randomBytes } from './random.js'
import type { Sodium } from './sodium.js'

/**
 * Human-handled secrets and keyed hashes:
 * - receipts: 80 random bits as XXXX-XXXX-XXXX-XXXX (Crockford base32), stored only as a keyed BLAKE2b hash;
 * - the recovery key: 256 random bits in groups of four, shown once at setup, never stored;
 * - subkeys of the server secret for each purpose (crypto_kdf), so one secret serves several uses safely.
 */

export const RECEIPT_BYTES = 10
export const RECOVERY_KEY_BYTES = 32

export const newReceipt = (): string => groupsOfFour(toCrockford(randomBytes(RECEIPT_BYTES)))

/** The canonical bytes of a receipt as typed (any case, with or without hyphens), or null if it cannot be one. */
export const parseReceipt = (text: string): Uint8Array | null =>
  text.length > 40 ? null : fromCrockford(text, RECEIPT_BYTES)

export const newRecoveryKey = (): { display: string; bytes: Uint8Array } => {
  const bytes = randomBytes(RECOVERY_KEY_BYTES)
  return { display: groupsOfFour(toCrockford(bytes)), bytes }
}

export const parseRecoveryKey = (text: string): Uint8Array | null =>
  text.length > 120 ? null : fromCrockford(text, RECOVERY_KEY_BYTES)

/** Eight-character contexts for crypto_kdf: one subkey of the server secret per purpose. */
export const KDF_CONTEXTS = {
  receipt: 'receipts',
  idempotencyKey: 'idemkey_',
  idempotencySeal: 'idemseal',
  recovery: 'recovery',
  totp: 'totpseal',
  loginThrottle: 'loginthr',
  reporter: 'reporter',
  apiKey: 'apikeys_',
  // Not a key: the fingerprint kept in the database to recognise the server secret (src/modules/keys).
  fingerprint: 'fingerpr'
} as const

export const deriveKey = (sodium: Sodium, master: Uint8Array, purpose: keyof typeof KDF_CONTEXTS, id = 1): Uint8Array =>
  sodium.crypto_kdf_derive_from_key(32, id, KDF_CONTEXTS[purpose], master)

/** A 32-byte keyed BLAKE2b hash. */
export const keyedHash = (sodium: Sodium, message: Uint8Array | string, key: Uint8Array): Uint8Array =>
  sodium.crypto_generichash(32, message, key)

/**
 * The reporter's X25519 key pair for one report, derived from its receipt under the server's "reporter" subkey:
 * whoever presents the receipt can open what was sealed to the public key (stored with the report); the database
 * alone, or the server without the receipt, cannot. The caller wipes the secret key.
 */
export const reporterKeyPair = (sodium: Sodium, reporterKey: Uint8Array, receiptBytes: Uint8Array) => {
  const seed = sodium.crypto_generichash(32, receiptBytes, reporterKey)
  try {
    const { publicKey, privateKey } = sodium.crypto_box_seed_keypair(seed)
    return { publicKey, secretKey: privateKey }
  } finally {
    sodium.memzero(seed)
  }
}

/**
 * A user's X25519 key pair, derived from the key their password derives (the wrap key): an admin seals a grant to
 * the public key, and only that user's next sign-in, knowing the password, can open it.
 */
export const userBoxKeyPair = (sodium: Sodium, wrapKey: Uint8Array, userId: string) => {
  const seed = sodium.crypto_generichash(32, `candid:user-box|${userId}`, wrapKey)
  try {
    const { publicKey, privateKey } = sodium.crypto_box_seed_keypair(seed)
    return { publicKey, secretKey: privateKey }
  } finally {
    sodium.memzero(seed)
  }
}
