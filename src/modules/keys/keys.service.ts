import { toDateOnly } from '../../lib/dates.js'
import { generateTeamKeyPair, openWithKey, sealWithKey } from '../../lib/crypto/sealing.js'
import { randomBytes } from '../../lib/crypto/random.js'
import { deriveKey, newRecoveryKey, parseRecoveryKey } from '../../lib/crypto/secrets.js'
import type { Sodium } from '../../lib/crypto/sodium.js'
import type { KeysRepository } from './keys.repository.js'

export type KeysServiceDeps = { repository: KeysRepository; sodium: Sodium; clock?: () => Date }

export type TeamPublicKey = { version: number; publicKey: Uint8Array }

/** What the recovery key's subkey seals: the team secret key of one version. */
export const recoveryContext = (version: number) => `candid:team-key|k${version}|recovery`

/** What a reviewer's password-derived key seals: the team secret key of one version, for one user. */
export const userKeyContext = (version: number, userId: string) => `candid:team-key|k${version}|user:${userId}`

export type TeamSecret = { version: number; publicKey: Uint8Array; secretKey: Uint8Array }

/**
 * The server secret is not the one this database's keys were made with. Not transient: the server refuses to start
 * (src/plugins/crypto.ts) and admin commands refuse to run, with this message, which says what to do.
 */
export class ServerSecretMismatchError extends Error {
  override name = 'ServerSecretMismatchError'
}

const DEPENDS =
  "Reviewers' second factors (TOTP secrets), receipts and follow-up messages, API keys, Idempotency-Key replays " +
  'and sign-in throttling are all keyed by it: with another secret every sign-in and every receipt would fail.'
const SEE = 'See "The server secret" in docs/keys.md.'

const CHANGED_MESSAGE =
  "SERVER_SECRET has changed: it is not the server secret this database's keys were made with (the fingerprint " +
  `recorded in app_setting 'server_secret_fingerprint' differs). ${DEPENDS} Put the previous SERVER_SECRET back. ${SEE}`
const NOT_THE_GENERATED_MESSAGE =
  "SERVER_SECRET is set, but this database's keys were made with the generated server secret kept in the database " +
  `(app_setting 'server_secret'), and SERVER_SECRET is not that secret. ${DEPENDS} Unset SERVER_SECRET; or, to ` +
  'move the generated secret out of the database, run `npm run --silent admin -- server-secret --show`, set ' +
  'SERVER_SECRET to the secret it prints, then run `npm run --silent admin -- server-secret --forget`. ' +
  SEE
const MISSING_MESSAGE =
  "SERVER_SECRET is not set, but this database's keys were made with a server secret kept outside the database " +
  `(its fingerprint is recorded in app_setting 'server_secret_fingerprint'; the secret is not). ${DEPENDS} ` +
  `Set SERVER_SECRET to that secret again; Candid will not generate a new one. ${SEE}`
const GENERATED_CHANGED_MESSAGE =
  "The generated server secret kept in the database (app_setting 'server_secret') is not the one this database's " +
  "keys were made with (the fingerprint in app_setting 'server_secret_fingerprint' differs): one of the two rows " +
  `was changed or restored from elsewhere. ${DEPENDS} Restore both rows from the same backup, or set SERVER_SECRET ` +
  `to the secret the fingerprint was recorded for. ${SEE}`

/** crypto_kdf wants exactly 32 bytes; a longer secret is condensed, not cut. */
const condense = (sodium: Sodium, secret: Uint8Array) =>
  secret.length === 32 ? secret : sodium.crypto_generichash(32, secret, null)

/**
 * What the database keeps to recognise the server secret: its crypto_kdf subkey for "fingerpr", which (like every
 * subkey) tells nothing about the secret or its other subkeys. "v1:" names the scheme, should it ever change.
 */
export const serverSecretFingerprint = (sodium: Sodium, master: Uint8Array): string => {
  const subkey = deriveKey(sodium, master, 'fingerprint')
  try {
    return `v1:${sodium.to_base64(subkey, sodium.base64_variants.ORIGINAL)}`
  } finally {
    sodium.memzero(subkey)
  }
}

/** The fingerprint of a generated secret as the database keeps it (base64). */
const storedFingerprint = (sodium: Sodium, stored: string) =>
  serverSecretFingerprint(sodium, condense(sodium, sodium.from_base64(stored, sodium.base64_variants.ORIGINAL)))

export const createKeysService = ({ repository, sodium, clock = () => new Date() }: KeysServiceDeps) => ({
  /** The team key pair, opened with the recovery key; throws if the key is not the recovery key. */
  openWithRecoveryKey: async (recoveryKeyText: string): Promise<TeamSecret> => {
    const stored = await repository.findLatestTeamKey()
    const recovery = parseRecoveryKey(recoveryKeyText.trim())
    if (!stored || !recovery) {
      throw new Error(stored ? 'That is not a recovery key.' : 'There is no team key yet: run `admin init` first.')
    }
    const wrappingKey = deriveKey(sodium, recovery, 'recovery')
    try {
      const secretKey = openWithKey(sodium, stored.recoveryWrap, wrappingKey, recoveryContext(stored.version))
      return { version: stored.version, publicKey: stored.publicKey, secretKey }
    } catch {
      throw new Error('That recovery key does not open this team key.')
    } finally {
      sodium.memzero(wrappingKey)
      sodium.memzero(recovery)
    }
  },

  /** The current team public key, or null before setup. */
  findTeamPublicKey: async (): Promise<TeamPublicKey | null> => {
    const key = await repository.findLatestTeamKey()
    return key && { version: key.version, publicKey: key.publicKey }
  },

  /**
   * Creates the team key pair (version 1) unless one exists. Returns the recovery key — the only way back to the
   * secret key until reviewers exist — to be shown once, or null if setup was already done.
   */
  initialise: async (): Promise<{ recoveryKey: string; version: number } | null> => {
    if (await repository.findLatestTeamKey()) {
      return null
    }
    const keyPair = generateTeamKeyPair(sodium)
    const recovery = newRecoveryKey()
    const wrappingKey = deriveKey(sodium, recovery.bytes, 'recovery')
    try {
      const recoveryWrap = sealWithKey(sodium, keyPair.secretKey, wrappingKey, recoveryContext(1))
      const created = await repository.insertTeamKey(
        { version: 1, publicKey: keyPair.publicKey, recoveryWrap },
        toDateOnly(clock())
      )
      return created ? { recoveryKey: recovery.display, version: 1 } : null
    } finally {
      sodium.memzero(keyPair.secretKey)
      sodium.memzero(wrappingKey)
      sodium.memzero(recovery.bytes)
    }
  },

  /**
   * The server secret: from the environment when set (preferred: then a copy of the database cannot open TOTP
   * secrets nor recompute receipt hashes), otherwise generated once and kept in the database. Every key derived
   * from it (src/plugins/crypto.ts) must stay the same for the life of the database, so its fingerprint is recorded
   * the first time and a different secret is refused here, at start, rather than breaking every sign-in, receipt
   * and API key later. A database with no fingerprint yet (older than this check) is trusted on first use, except
   * that a SERVER_SECRET unlike the generated secret it holds is refused: its keys were made with that one.
   */
  resolveServerSecret: async (fromEnvironment: Uint8Array | undefined): Promise<Uint8Array> => {
    const recorded = await repository.findServerSecretFingerprint()
    const stored = await repository.findServerSecret()
    if (fromEnvironment) {
      const master = condense(sodium, fromEnvironment)
      const fingerprint = serverSecretFingerprint(sodium, master)
      // Checked first: while the generated secret is in the database, the way out is to move that one.
      if (stored !== null && storedFingerprint(sodium, stored) !== fingerprint) {
        throw new ServerSecretMismatchError(NOT_THE_GENERATED_MESSAGE)
      }
      if (recorded !== null && recorded !== fingerprint) {
        throw new ServerSecretMismatchError(CHANGED_MESSAGE)
      }
      // Whichever of two processes starting on a new database records first wins; the other refuses.
      const expected = recorded ?? (await repository.recordServerSecretFingerprint(fingerprint, toDateOnly(clock())))
      if (expected !== fingerprint) {
        throw new ServerSecretMismatchError(CHANGED_MESSAGE)
      }
      return master
    }
    // Generating a new secret here would silently replace the one kept outside the database.
    if (stored === null && recorded !== null) {
      throw new ServerSecretMismatchError(MISSING_MESSAGE)
    }
    const generated =
      stored ??
      (await repository.getOrCreateServerSecret(
        sodium.to_base64(randomBytes(32), sodium.base64_variants.ORIGINAL),
        toDateOnly(clock())
      ))
    const master = condense(sodium, sodium.from_base64(generated, sodium.base64_variants.ORIGINAL))
    const fingerprint = serverSecretFingerprint(sodium, master)
    const expected = recorded ?? (await repository.recordServerSecretFingerprint(fingerprint, toDateOnly(clock())))
    if (expected !== fingerprint) {
      throw new ServerSecretMismatchError(GENERATED_CHANGED_MESSAGE)
    }
    return master
  },

  /** True while a generated server secret is kept in the database (then a copy of it holds every derived key). */
  isServerSecretInDatabase: async (): Promise<boolean> => (await repository.findServerSecret()) !== null,

  /**
   * The generated server secret kept in the database, as stored (base64), for `admin server-secret --show`; null
   * if there is none. Not checked against the fingerprint: it is what an operator needs to put things back.
   */
  showServerSecret: async (): Promise<string | null> => repository.findServerSecret(),

  /**
   * Deletes the generated server secret from the database once `fromEnvironment` (SERVER_SECRET) is that same
   * secret: nothing derived from it changes, and a copy of the database no longer holds it. Throws, changing
   * nothing, otherwise. False if there was no secret to delete.
   */
  forgetServerSecret: async (fromEnvironment: Uint8Array | undefined): Promise<boolean> => {
    if (!fromEnvironment) {
      throw new Error(
        'SERVER_SECRET is not set. `server-secret --forget` deletes the generated secret from the database only once ' +
          'SERVER_SECRET holds that same secret (`server-secret --show` prints it); without it nothing could open the ' +
          'TOTP secrets, receipts, follow-up messages or API keys made with it. Nothing was changed.'
      )
    }
    const fingerprint = serverSecretFingerprint(sodium, condense(sodium, fromEnvironment))
    const recorded = await repository.findServerSecretFingerprint()
    const stored = await repository.findServerSecret()
    if (stored !== null && storedFingerprint(sodium, stored) !== fingerprint) {
      throw new Error(
        'SERVER_SECRET is not the generated server secret kept in the database, so deleting that would break every ' +
          'sign-in (TOTP), receipt, follow-up message and API key. Set SERVER_SECRET to the secret ' +
          '`npm run --silent admin -- server-secret --show` prints, then run `server-secret --forget` again. ' +
          'Nothing was changed.'
      )
    }
    if (recorded !== null && recorded !== fingerprint) {
      throw new Error(`${CHANGED_MESSAGE} Nothing was changed.`)
    }
    if (stored === null) {
      return false
    }
    return repository.forgetServerSecret(fingerprint, toDateOnly(clock()))
  }
})

export type KeysService = ReturnType<typeof createKeysService>
