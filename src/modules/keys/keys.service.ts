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
   * The server secret: from the environment when set (preferred: then the database alone cannot recompute
   * receipt hashes), otherwise generated once and kept in the database.
   */
  resolveServerSecret: async (fromEnvironment: Uint8Array | undefined): Promise<Uint8Array> => {
    const secret =
      fromEnvironment ??
      sodium.from_base64(
        await repository.getOrCreateServerSecret(
          sodium.to_base64(randomBytes(32), sodium.base64_variants.ORIGINAL),
          toDateOnly(clock())
        ),
        sodium.base64_variants.ORIGINAL
      )
    // crypto_kdf wants exactly 32 bytes; a longer secret is condensed, not cut.
    return secret.length === 32 ? secret : sodium.crypto_generichash(32, secret, null)
  }
})

export type KeysService = ReturnType<typeof createKeysService>
