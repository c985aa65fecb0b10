import { z } from 'zod'
import { PASSWORD_MAX } from '../../lib/auth/password.js'
import { ZErrorResponse, ZId } from '../../lib/http-schemas.js'

const ZToken = z.string().min(20).max(100).describe('the token after #enrol= in the enrolment link')

export const ZInviteBody = z
  .object({ email: z.string().min(3).max(254), role: z.enum(['reviewer', 'lead', 'admin']) })
  .strict()

export const ZEnrolmentLink = z
  .object({
    enrolmentLink: z.string().describe('shown once: give it to the user; it works once, for 72 hours'),
    expiresOn: z.string().describe('YYYY-MM-DD')
  })
  .strict()

const adminErrors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse }

export const inviteSchema = {
  tags: ['users'],
  summary: 'Create an account (needs X-CSRF-Token): it works only once its user has enrolled through the link.',
  body: ZInviteBody,
  response: { 201: ZEnrolmentLink.extend({ userId: z.uuid() }).strict(), ...adminErrors, 409: ZErrorResponse }
}

export const resetAuthenticatorSchema = {
  tags: ['users'],
  summary: "Reset a user's lost authenticator (needs X-CSRF-Token): the old one stops at once; a new enrolment link.",
  params: z.object({ id: ZId }).strict(),
  response: { 200: ZEnrolmentLink, ...adminErrors, 404: ZErrorResponse }
}

const anonymousErrors = { 400: ZErrorResponse, 404: ZErrorResponse, 429: ZErrorResponse }

export const startSchema = {
  tags: ['enrolment'],
  summary: 'Open an enrolment link: the account, and a new authenticator secret to scan (as an otpauth:// URI).',
  body: z.object({ token: ZToken }).strict(),
  response: {
    200: z
      .object({ email: z.string(), purpose: z.enum(['account', 'authenticator']), totpUri: z.string() })
      .strict(),
    ...anonymousErrors
  }
}

export const completeSchema = {
  tags: ['enrolment'],
  summary: 'Finish enrolling: the password (new accounts) and a code from the new authenticator. Uses the link.',
  body: z
    .object({
      token: ZToken,
      password: z.string().min(1).max(PASSWORD_MAX).optional().describe('new accounts only'),
      totp: z.string().regex(/^\d{6}$/, { error: 'expected the 6-digit code from the authenticator app' })
    })
    .strict(),
  response: { 200: z.object({ email: z.string() }).strict(), ...anonymousErrors, 409: ZErrorResponse }
}
