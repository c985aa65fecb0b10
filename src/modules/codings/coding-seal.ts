import { randomBytes } from '../../lib/crypto/random.js'
import { CIPHER_VERSION, openWithKey, sealBox, sealWithKey, type TeamKeyPair } from '../../lib/crypto/sealing.js'
import type { Sodium } from '../../lib/crypto/sodium.js'

/**
 * A coding's summary and learning point, sealed like a narrative (issue 17.5): a copy of the database must not read
 * what reviewers wrote, since anything redaction missed there would be readable. One fresh data key per coding;
 * each field is XChaCha20-Poly1305 (random nonce) bound by associated data to the coding id, the field and the
 * team key version, so a field cannot be swapped into another coding or the other field; the data key is sealed to
 * the team public key. Sealing needs only the public key: the server (and the start-up step that seals codings
 * from before this) can seal, never open. An empty text is stored as null.
 */

export type CodingField = 'summary' | 'learning_point'

export type SealedCoding = {
  summarySealed: Uint8Array | null
  learningPointSealed: Uint8Array | null
  sealedKey: Uint8Array | null
  keyVersion: number | null
}

export type CodingBinding = { codingId: string; keyVersion: number }

const associatedData = ({ codingId, keyVersion }: CodingBinding, field: CodingField) =>
  `candid:coding|v${CIPHER_VERSION}|${codingId}|k${keyVersion}|${field}`

const encrypt = (sodium: Sodium, text: string, dataKey: Uint8Array, ad: string): Uint8Array => {
  const plaintext = new TextEncoder().encode(text)
  try {
    return sealWithKey(sodium, plaintext, dataKey, ad)
  } finally {
    sodium.memzero(plaintext)
  }
}

/** Seals both texts to the team public key of `keyVersion`; nothing at all (all null) when both are empty. */
export const sealCoding = (
  sodium: Sodium,
  texts: { summary: string; learningPoint: string },
  binding: CodingBinding & { publicKey: Uint8Array }
): SealedCoding => {
  if (texts.summary === '' && texts.learningPoint === '') {
    return { summarySealed: null, learningPointSealed: null, sealedKey: null, keyVersion: null }
  }
  const dataKey = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
  try {
    return {
      summarySealed:
        texts.summary === '' ? null : encrypt(sodium, texts.summary, dataKey, associatedData(binding, 'summary')),
      learningPointSealed: texts.learningPoint === ''
        ? null
        : encrypt(sodium, texts.learningPoint, dataKey, associatedData(binding, 'learning_point')),
      sealedKey: sealBox(sodium, dataKey, binding.publicKey),
      keyVersion: binding.keyVersion
    }
  } finally {
    sodium.memzero(dataKey)
  }
}

export type StoredSealedCoding = {
  id: string
  summarySealed: Uint8Array | null
  learningPointSealed: Uint8Array | null
  sealedKey: Uint8Array | null
  keyVersion: number | null
}

/**
 * Opens a coding's texts with the team key pair (a reviewer's session holds it); '' for a field never written or
 * destroyed. Throws if anything was changed or the data key is sealed to another team key.
 */
export const openCoding = (
  sodium: Sodium,
  row: StoredSealedCoding,
  keyPair: TeamKeyPair
): { summary: string; learningPoint: string } => {
  if (!row.sealedKey || row.keyVersion === null) {
    return { summary: '', learningPoint: '' }
  }
  const dataKey = sodium.crypto_box_seal_open(row.sealedKey, keyPair.publicKey, keyPair.secretKey)
  const binding = { codingId: row.id, keyVersion: row.keyVersion }
  const open = (sealed: Uint8Array | null, field: CodingField) => {
    if (!sealed) return ''
    const plaintext = openWithKey(sodium, sealed, dataKey, associatedData(binding, field))
    const text = new TextDecoder().decode(plaintext)
    sodium.memzero(plaintext)
    return text
  }
  try {
    return { summary: open(row.summarySealed, 'summary'), learningPoint: open(row.learningPointSealed, 'learning_point') }
  } finally {
    sodium.memzero(dataKey)
  }
}
