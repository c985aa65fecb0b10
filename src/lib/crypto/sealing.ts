import { randomBytes } from './random.js'
import type { Sodium } from './sodium.js'

/**
 * Write-only intake (DESIGN "Confidentiality design", R14–R18). Each narrative gets a fresh 32-byte data key and
 * is encrypted with XChaCha20-Poly1305 (random 24-byte nonce), bound by associated data to its report id, the
 * team key version and this format's version; the data key is sealed (crypto_box_seal, X25519) to the review
 * team's public key. Whoever holds only the public key — the intake server, a copy of the database — can write
 * narratives but never read them. Data keys and plaintext buffers are wiped after use.
 */

export const CIPHER_VERSION = 1

export type TeamKeyPair = { publicKey: Uint8Array; secretKey: Uint8Array }

export type SealedNarrative = {
  /** nonce ‖ ciphertext */
  ciphertext: Uint8Array
  /** the data key, sealed to the team public key (80 bytes) */
  sealedKey: Uint8Array
}

export type NarrativeBinding = { reportId: string; keyVersion: number; cipherVersion?: number }

const associatedData = ({ reportId, keyVersion, cipherVersion = CIPHER_VERSION }: NarrativeBinding) =>
  new TextEncoder().encode(`candid:narrative|v${cipherVersion}|${reportId}|k${keyVersion}`)

/**
 * crypto_box_seal, composed from libsodium's own parts exactly as libsodium composes it (an ephemeral X25519 key
 * pair, nonce = BLAKE2b-192(ephemeral public key ‖ recipient public key), crypto_box_easy, output ephemeral public
 * key ‖ box), so crypto_box_seal_open opens it unchanged. The one difference is where the ephemeral secret comes
 * from: Node's CSPRNG in one call, where libsodium-wrappers draws it four bytes at a time through
 * crypto.getRandomValues — 32 calls, two thirds of the cost of sealing and a sixth of an intake request's CPU.
 */
export const sealBox = (sodium: Sodium, message: Uint8Array, publicKey: Uint8Array): Uint8Array => {
  const ephemeralSecret = randomBytes(sodium.crypto_box_SECRETKEYBYTES)
  try {
    const ephemeralPublic = sodium.crypto_scalarmult_base(ephemeralSecret)
    const nonceInput = new Uint8Array(ephemeralPublic.length + publicKey.length)
    nonceInput.set(ephemeralPublic)
    nonceInput.set(publicKey, ephemeralPublic.length)
    const nonce = sodium.crypto_generichash(sodium.crypto_box_NONCEBYTES, nonceInput, null)
    const box = sodium.crypto_box_easy(message, nonce, publicKey, ephemeralSecret)
    const sealed = new Uint8Array(ephemeralPublic.length + box.length)
    sealed.set(ephemeralPublic)
    sealed.set(box, ephemeralPublic.length)
    return sealed
  } finally {
    sodium.memzero(ephemeralSecret)
  }
}

export const generateTeamKeyPair = (sodium: Sodium): TeamKeyPair => {
  const { publicKey, privateKey } = sodium.crypto_box_keypair()
  return { publicKey, secretKey: privateKey }
}

/**
 * The symmetric half: a fresh random data key and nonce for every call. The caller owns `dataKey` and must wipe
 * it. Exported so the uniqueness of (key, nonce) pairs can be tested at scale without the slower key sealing.
 */
export const encryptWithFreshKey = (
  sodium: Sodium,
  plaintext: Uint8Array,
  binding: NarrativeBinding
): { ciphertext: Uint8Array; dataKey: Uint8Array } => {
  const dataKey = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  const ad = associatedData(binding)
  const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, dataKey)
  const ciphertext = new Uint8Array(nonce.length + body.length)
  ciphertext.set(nonce)
  ciphertext.set(body, nonce.length)
  return { ciphertext, dataKey }
}

/** Encrypts `plaintext` for the team. `plaintext` and the data key are wiped before this returns, whatever happens. */
export const sealNarrative = (
  sodium: Sodium,
  plaintext: Uint8Array,
  binding: NarrativeBinding & { publicKey: Uint8Array }
): SealedNarrative => {
  let dataKey: Uint8Array | undefined
  try {
    const encrypted = encryptWithFreshKey(sodium, plaintext, binding)
    dataKey = encrypted.dataKey

    return { ciphertext: encrypted.ciphertext, sealedKey: sealBox(sodium, dataKey, binding.publicKey) }
  } finally {
    if (dataKey) {
      sodium.memzero(dataKey)
    }
    sodium.memzero(plaintext)
  }
}

/** Decrypts a sealed narrative with the team key pair; throws if anything was changed or the key is wrong. */
export const openNarrative = (
  sodium: Sodium,
  sealed: SealedNarrative,
  binding: NarrativeBinding & { keyPair: TeamKeyPair }
): Uint8Array => {
  const dataKey = sodium.crypto_box_seal_open(sealed.sealedKey, binding.keyPair.publicKey, binding.keyPair.secretKey)
  try {
    const nonceLength = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.ciphertext.subarray(nonceLength),
      associatedData(binding),
      sealed.ciphertext.subarray(0, nonceLength),
      dataKey
    )
  } finally {
    sodium.memzero(dataKey)
  }
}

/**
 * Symmetric sealing of a secret under a 32-byte key (the team secret key under the recovery key; an idempotent
 * response under a key derived from its Idempotency-Key). `context` is bound as associated data, so a blob
 * sealed for one purpose cannot be opened as another.
 */
export const sealWithKey = (sodium: Sodium, secret: Uint8Array, key: Uint8Array, context: string): Uint8Array => {
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, context, null, nonce, key)
  const out = new Uint8Array(nonce.length + body.length)
  out.set(nonce)
  out.set(body, nonce.length)
  return out
}

export const openWithKey = (sodium: Sodium, sealed: Uint8Array, key: Uint8Array, context: string): Uint8Array => {
  const nonceLength = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
  return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    sealed.subarray(nonceLength),
    context,
    sealed.subarray(0, nonceLength),
    key
  )
}

/**
 * A follow-up message (question, answer, response): encrypted once with a fresh data key bound to its message
 * id, report id and key version, and that data key sealed to each recipient — the team key, and the reporter key
 * derived from the report's receipt — so both the team and the receipt holder can read it and nobody else can.
 */
export type SealedMessage = { ciphertext: Uint8Array; teamSealedKey: Uint8Array; reporterSealedKey: Uint8Array }

/** `kind` is bound too: whoever can write to the database cannot turn a reporter's answer into the team's response. */
export type MessageBinding = { messageId: string; reportId: string; keyVersion: number; kind: string }

const messageAssociatedData = ({ messageId, reportId, keyVersion, kind }: MessageBinding) =>
  new TextEncoder().encode(`candid:message|v${CIPHER_VERSION}|${messageId}|${reportId}|k${keyVersion}|${kind}`)

export const sealMessage = (
  sodium: Sodium,
  plaintext: Uint8Array,
  binding: MessageBinding & { teamPublicKey: Uint8Array; reporterPublicKey: Uint8Array }
): SealedMessage => {
  const dataKey = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
  try {
    const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      messageAssociatedData(binding),
      null,
      nonce,
      dataKey
    )
    const ciphertext = new Uint8Array(nonce.length + body.length)
    ciphertext.set(nonce)
    ciphertext.set(body, nonce.length)
    return {
      ciphertext,
      teamSealedKey: sealBox(sodium, dataKey, binding.teamPublicKey),
      reporterSealedKey: sealBox(sodium, dataKey, binding.reporterPublicKey)
    }
  } finally {
    sodium.memzero(dataKey)
    sodium.memzero(plaintext)
  }
}

/** Opens a message with either recipient's key pair (`sealedKey` is the copy sealed to that pair). */
export const openMessage = (
  sodium: Sodium,
  { ciphertext, sealedKey }: { ciphertext: Uint8Array; sealedKey: Uint8Array },
  binding: MessageBinding & { keyPair: TeamKeyPair }
): string => {
  const dataKey = sodium.crypto_box_seal_open(sealedKey, binding.keyPair.publicKey, binding.keyPair.secretKey)
  try {
    const nonceLength = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
    const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ciphertext.subarray(nonceLength),
      messageAssociatedData(binding),
      ciphertext.subarray(0, nonceLength),
      dataKey
    )
    const text = new TextDecoder().decode(plaintext)
    sodium.memzero(plaintext)
    return text
  } finally {
    sodium.memzero(dataKey)
  }
}
