import { sessionKeyFor } from '../../lib/auth/tokens.js'
import { openWithKey, type TeamKeyPair } from '../../lib/crypto/sealing.js'
import { AppError } from '../../lib/errors.js'
import type { AppCrypto } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import { sessionKeyContext } from './auth.service.js'

/**
 * Runs `work` with the team key pair opened from the session's sealed copy (sealed under a key derived from the
 * session token, which only the client holds), and wipes the secret key once `work` has finished — awaited, so an
 * asynchronous `work` never finds the key already wiped.
 */
export const withTeamKey = async <T>(
  crypto: Pick<AppCrypto, 'sodium' | 'teamKey'>,
  session: RequestSession,
  work: (keyPair: TeamKeyPair) => T | Promise<T>
): Promise<T> => {
  if (!session.teamKeyWrap) {
    throw new AppError('FORBIDDEN', 'Your account cannot unseal reports yet: an admin must grant it.')
  }
  const secretKey = openWithKey(
    crypto.sodium,
    session.teamKeyWrap,
    sessionKeyFor(session.token),
    sessionKeyContext(session.userId)
  )
  try {
    return await work({ publicKey: crypto.teamKey.publicKey, secretKey })
  } finally {
    crypto.sodium.memzero(secretKey)
  }
}
