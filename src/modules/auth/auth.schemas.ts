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
  response: { 204: z.null(), 401: ZErrorResponse, 403: ZErrorResponse }
}

export const sessionSchema = {
  tags: ['auth'],
  summary: 'Who is signed in, and the CSRF token for this session.',
  response: { 200: ZSessionResponse, 401: ZErrorResponse }
}
