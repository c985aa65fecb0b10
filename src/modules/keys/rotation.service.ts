import { toDateOnly } from '../../lib/dates.js'
import { generateTeamKeyPair, openWithKey, sealBox, sealWithKey } from '../../lib/crypto/sealing.js'
import { deriveKey, parseRecoveryKey } from '../../lib/crypto/secrets.js'
import type { Sodium } from '../../lib/crypto/sodium.js'
import { sealUnsealedCodings } from '../codings/coding-legacy.js'
import { recoveryContext } from './keys.service.js'
import { BATCH_SIZE, type RotationRepository, rotationQueries } from './rotation.repository.js'

const FIRST_UUID = '00000000-0000-0000-0000-000000000000'

export type RotationResult = {
  version: number
  reports: number
  messages: number
  codings: number
  grants: number
}

/**
 * Team key rotation (R16): a new key pair n+1, wrapped under the same recovery key; every narrative's, message's
 * and coding's data key re-sealed from whatever version it is sealed to now to n+1 — the ciphertexts are not
 * touched (their associated data keeps the version they were written under); every reviewer who could unseal gets
 * the new key sealed to their grant box, taken up at their next sign-in; every session ends (each held the old key).
 * Running it again with nothing newer re-seals whatever is not yet sealed to the newest version (`reseal`).
 */
export const createRotationService = ({
  repository,
  sodium,
  clock = () => new Date()
}: {
  repository: RotationRepository
  sodium: Sodium
  clock?: () => Date
}) => {
  const run = (recoveryKeyText: string, rotate: boolean) =>
    repository.transaction(async (tx) => {
      const q = rotationQueries(tx)
      const recovery = parseRecoveryKey(recoveryKeyText.trim())
      const stored = await q.allTeamKeys()
      if (stored.length === 0) {
        throw new Error('There is no team key yet: run `admin init` first.')
      }
      if (!recovery) {
        throw new Error('That is not a recovery key.')
      }
      const wrappingKey = deriveKey(sodium, recovery, 'recovery')
      const secrets = new Map<number, { publicKey: Uint8Array; secretKey: Uint8Array }>()
      try {
        for (const key of stored) {
          try {
            const secretKey = openWithKey(sodium, key.recoveryWrap, wrappingKey, recoveryContext(key.version))
            secrets.set(key.version, { publicKey: key.publicKey, secretKey })
          } catch {
            throw new Error(`That recovery key does not open team key version ${key.version}.`)
          }
        }
        const newest = stored.at(-1) as (typeof stored)[number]
        let target: { version: number; publicKey: Uint8Array } = newest
        if (rotate) {
          const pair = generateTeamKeyPair(sodium)
          const version = newest.version + 1
          const recoveryWrap = sealWithKey(sodium, pair.secretKey, wrappingKey, recoveryContext(version))
          await tx.teamKey.create({
            data: {
              version,
              publicKey: pair.publicKey as Uint8Array<ArrayBuffer>,
              recoveryWrap: recoveryWrap as Uint8Array<ArrayBuffer>,
              createdOn: toDateOnly(clock())
            }
          })
          secrets.set(version, pair)
          target = { version, publicKey: pair.publicKey }
        }
        const reseal = (sealedTo: number, sealedKey: Uint8Array) => {
          const from = secrets.get(sealedTo)
          if (!from) {
            throw new Error(`A data key is sealed to team key version ${sealedTo}, which does not exist.`)
          }
          const dataKey = sodium.crypto_box_seal_open(sealedKey, from.publicKey, from.secretKey)
          try {
            return sealBox(sodium, dataKey, target.publicKey)
          } finally {
            sodium.memzero(dataKey)
          }
        }
        type Sealed = { id: string; sealed_to: number; sealed_key: Uint8Array }
        /** Walks one table in id order, a batch at a time, re-sealing every data key; returns how many. */
        const resealAll = async (
          find: (version: number, after: string) => Promise<Sealed[]>,
          save: (id: string, sealedKey: Uint8Array, version: number) => Promise<unknown>
        ) => {
          let count = 0
          for (let after = FIRST_UUID; ;) {
            const rows = await find(target.version, after)
            for (const row of rows) {
              await save(row.id, reseal(Number(row.sealed_to), row.sealed_key), target.version)
            }
            count += rows.length
            if (rows.length < BATCH_SIZE) return count
            after = (rows.at(-1) as Sealed).id
          }
        }
        const result: RotationResult = {
          version: target.version,
          reports: await resealAll(q.reportsToReseal, q.resealReport),
          messages: await resealAll(q.messagesToReseal, q.resealMessage),
          // Codings' summaries and learning points (issue 17.5): those from before sealing are sealed here too.
          codings: await resealAll(q.codingsToReseal, q.resealCoding) +
            await sealUnsealedCodings(tx, sodium, target),
          grants: 0
        }
        if (rotate) {
          const newSecret = secrets.get(target.version)?.secretKey as Uint8Array
          for (const user of await q.usersToRegrant()) {
            await q.grant(user.id, sealBox(sodium, newSecret, user.boxPublicKey as Uint8Array), target.version)
            result.grants++
          }
          await q.endAllSessions()
        }
        return result
      } finally {
        sodium.memzero(wrappingKey)
        sodium.memzero(recovery)
        for (const { secretKey } of secrets.values()) {
          sodium.memzero(secretKey)
        }
      }
    })

  return {
    rotate: (recoveryKey: string) => run(recoveryKey, true),
    /** Re-seals to the newest version whatever is still sealed to an older one (e.g. reports filed mid-rotation). */
    reseal: (recoveryKey: string) => run(recoveryKey, false)
  }
}

export type RotationService = ReturnType<typeof createRotationService>
