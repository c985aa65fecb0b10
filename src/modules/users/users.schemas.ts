import { z } from 'zod'
import { errorResponses, ZErrorResponse, ZId } from '../../lib/http-schemas.js'

export const ZUser = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: z.enum(['reviewer', 'lead', 'admin']),
    status: z.enum(['active', 'disabled']),
    canUnseal: z.boolean(),
    hasPendingGrant: z.boolean().describe('an admin granted unsealing; it takes effect at their next sign-in'),
    createdOn: z.string()
  })
  .strict()

export const ZUserParams = z.object({ id: ZId }).strict()

const errors = errorResponses(401, 403)

export const listUsersSchema = {
  tags: ['admin'],
  summary: 'Every reviewer, lead and admin account.',
  querystring: z.object({}).strict(),
  response: { 200: z.object({ users: z.array(ZUser) }).strict(), 400: ZErrorResponse, ...errors }
}

export const grantSchema = {
  tags: ['admin'],
  summary:
    "Let a user unseal (needs X-CSRF-Token): the team key from the admin's own session is sealed to the user's " +
    'grant box, which only their password opens; it becomes theirs at their next sign-in.',
  params: ZUserParams,
  response: { 200: ZUser, 400: ZErrorResponse, ...errors, 404: ZErrorResponse, 409: ZErrorResponse }
}

export const disableSchema = {
  tags: ['admin'],
  summary:
    'Disable an account (needs X-CSRF-Token): its sessions end at once, sign-in and its enrolment links are refused.',
  params: ZUserParams,
  response: { 200: ZUser, 400: ZErrorResponse, ...errors, 404: ZErrorResponse, 409: ZErrorResponse }
}

export const enableSchema = {
  tags: ['admin'],
  summary: 'Enable a disabled account again (needs X-CSRF-Token): its user signs in as before.',
  params: ZUserParams,
  response: { 200: ZUser, 400: ZErrorResponse, ...errors, 404: ZErrorResponse }
}
