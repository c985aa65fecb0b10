import { AppError } from '../../lib/errors.js'
import { sealBox } from '../../lib/crypto/sealing.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { withTeamKey } from '../auth/session-keys.js'
import type { UsersRepository } from './users.repository.js'

export type GrantsServiceDeps = {
  repository: UsersRepository
  audit: AuditRepository
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
}

/**
 * Adding a reviewer who can unseal, without anyone learning their password: the admin's session opens the team
 * secret key and seals it (crypto_box_seal) to the user's grant box, whose secret half only their password
 * derives. At their next sign-in the grant becomes an ordinary password wrap (src/modules/auth/auth.service.ts).
 */
export const createGrantsService = ({ repository, audit, keys, clock = () => new Date() }: GrantsServiceDeps) => ({
  grant: async (session: RequestSession, userId: string) => {
    const user = await repository.findById(userId)
    if (!user) {
      throw new AppError('NOT_FOUND', 'There is no such user.')
    }
    if (user.disabledAt) {
      throw new AppError('CONFLICT', 'This account is disabled.')
    }
    if (user.teamKeyWrap) {
      throw new AppError('CONFLICT', 'This user can already unseal.')
    }
    if (!user.boxPublicKey) {
      throw new AppError('CONFLICT', 'This user must sign in once (or have their password reset) before a grant.')
    }
    const boxPublicKey = user.boxPublicKey
    const crypto = keys.get()
    const pendingGrant = await withTeamKey(crypto, session, (keyPair) =>
      sealBox(crypto.sodium, keyPair.secretKey, boxPublicKey)
    )
    if (!(await repository.setGrant(user.id, boxPublicKey, pendingGrant, crypto.teamKey.version))) {
      throw new AppError('CONFLICT', "The user's password changed while granting: try again.")
    }
    await audit.record({ actorId: session.userId, action: 'user.grant-unsealing', detail: { userId } }, clock())
  }
})

export type GrantsService = ReturnType<typeof createGrantsService>
