import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { PASSWORD_MAX } from '../../lib/auth/password.js'

export const ZLoginBody = z
  .object({
    email: z.string().min(3).max(254),
    password: z.string().min(1).max(PASSWORD_MAX),
    totp: z.string().regex(/^\d{6}$/, { error: 'expected the 6-digit code from the authenticator app' })
  })
  .strict()

export type TLoginBody = z.infer<typeof ZLoginBody>

export const ZSessionResponse = z
  .object({
    email: z.string(),
    role: z.enum(['reviewer', 'lead', 'admin']),
    canUnseal: z.boolean().describe('whether this session can open sealed narratives'),
    csrfToken: z.string().describe('send as the X-CSRF-Token header on every request that changes something')
  })
  .strict()

export type TSessionResponse = z.infer<typeof ZSessionResponse>

export const loginSchema = {
  tags: ['auth'],
  summary: 'Sign in with e-mail, password and authenticator code; sets the session cookie.',
  body: ZLoginBody,
  response: { 200: ZSessionResponse, 400: ZErrorResponse, 401: ZErrorResponse, 429: ZErrorResponse }
}

export const logoutSchema = {
  tags: ['auth'],
  summary: 'End this session (needs X-CSRF-Token).',
  response: { 204: z.null(), 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse }
}

export const sessionSchema = {
  tags: ['auth'],
  summary: 'Who is signed in, and the CSRF token for this session.',
  querystring: z.object({}).strict(),
  response: { 200: ZSessionResponse, 400: ZErrorResponse, 401: ZErrorResponse }
}

export const ZPasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX),
    newPassword: z
      .string()
      .min(1)
      .max(PASSWORD_MAX)
      .describe('at least 15 characters, not a common password nor one easy to guess (a few random words are best)')
  })
  .strict()

export const ZRecoverBody = z
  .object({
    password: z.string().min(1).max(PASSWORD_MAX).describe('your own password: the team key is wrapped under it'),
    recoveryKey: z.string().min(1).max(120).describe('the recovery key shown once at setup')
  })
  .strict()

const changeErrors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  429: ZErrorResponse
}

export const passwordSchema = {
  tags: ['auth'],
  summary: 'Change your password (needs X-CSRF-Token): unsealing carries over, other sessions end.',
  body: ZPasswordBody,
  response: { 204: z.null(), ...changeErrors }
}

export const recoverSchema = {
  tags: ['auth'],
  summary: 'Restore your ability to unseal with the recovery key from setup (needs X-CSRF-Token).',
  body: ZRecoverBody,
  response: { 200: ZSessionResponse, ...changeErrors }
}
