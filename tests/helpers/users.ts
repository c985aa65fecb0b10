import { URI } from 'otpauth'
import type { FastifyInstance } from 'fastify'
import { totpCode } from '../../src/lib/auth/totp.js'
import { createKeysRepository } from '../../src/modules/keys/keys.repository.js'
import { createKeysService } from '../../src/modules/keys/keys.service.js'
import { createUsersRepository } from '../../src/modules/users/users.repository.js'
import { createUsersService } from '../../src/modules/users/users.service.js'

export const PASSWORD = 'correct horse battery staple of candid'

export type TestUser = { email: string; password: string; totpSecret: Uint8Array; code(at?: number): string }

/** Creates a user as the admin CLI does; with `recoveryKey` the user can unseal. */
export const createUser = async (
  app: FastifyInstance,
  { email, role = 'reviewer', recoveryKey }: { email: string; role?: 'reviewer' | 'lead' | 'admin'; recoveryKey?: string }
): Promise<TestUser> => {
  const crypto = app.keys.get()
  const keys = createKeysService({ repository: createKeysRepository(app.db.prisma), sodium: crypto.sodium })
  const users = createUsersService({
    repository: createUsersRepository(app.db.prisma),
    sodium: crypto.sodium,
    totpKey: crypto.totpKey
  })
  const team = recoveryKey ? await keys.openWithRecoveryKey(recoveryKey) : undefined
  const { totpUri } = await users.create({ email, role, password: PASSWORD, team })
  const totp = URI.parse(totpUri)
  const totpSecret = new Uint8Array(totp.secret.bytes)
  return { email, password: PASSWORD, totpSecret, code: (at = Date.now()) => totpCode(totpSecret, at) }
}

export const login = (app: FastifyInstance, user: TestUser, overrides: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password, totp: user.code(), ...overrides }
  })

/** The session cookie set by a login answer, as a Cookie header. */
export const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const setCookie = res.headers['set-cookie']
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie
  return String(first).split(';')[0] as string
}
