import { z } from 'zod'
import { errorResponses, ZErrorResponse } from '../../lib/http-schemas.js'
import { DEFAULT_DAYS, MAX_DAYS } from './api-keys.service.js'

const ZPrefix = z
  .string()
  .regex(/^cnd_[A-Za-z0-9_-]{8}$/, { error: 'expected a key prefix: cnd_ and 8 more characters' })
  .describe('the public part of a key that names it in listings; never the key itself')

export const ZApiKeySummary = z
  .object({
    prefix: z.string(),
    label: z.string(),
    region: z.string(),
    createdOn: z.string(),
    expiresOn: z.string().describe('the first day (UTC) on which the key is refused'),
    expired: z.boolean(),
    revokedOn: z.string().nullable()
  })
  .strict()

export const ZCreateApiKeyBody = z
  .object({
    region: z.string().min(1).max(64),
    label: z.string().max(200).default(''),
    days: z.number().int().min(1).max(MAX_DAYS).default(DEFAULT_DAYS).describe(`1 to ${MAX_DAYS}, never beyond 12 months`)
  })
  .strict()

const errors = errorResponses(400, 401, 403)

export const listApiKeysSchema = {
  tags: ['admin'],
  summary: "Every regional group's API key: prefix, region, label and dates, never the key or its hash.",
  querystring: z.object({}).strict(),
  response: {
    200: z
      .object({ apiKeys: z.array(ZApiKeySummary), regions: z.array(z.string()).describe('the regions a key may be for') })
      .strict(),
    ...errors
  }
}

export const createApiKeySchema = {
  tags: ['admin'],
  summary:
    'Make an API key for one region (needs X-CSRF-Token). The answer holds the key, shown this once: only a keyed ' +
    'hash of it is stored.',
  body: ZCreateApiKeyBody,
  response: {
    201: ZApiKeySummary.extend({
      key: z.string().describe('shown once, never again: hand it over as Authorization: Bearer <key>')
    }).strict(),
    ...errors
  }
}

export const revokeApiKeySchema = {
  tags: ['admin'],
  summary: 'Revoke an API key from its next request (needs X-CSRF-Token); revoking it again keeps the first date.',
  params: z.object({ prefix: ZPrefix }).strict(),
  response: {
    200: z.object({ prefix: z.string(), revokedOn: z.string(), wasRevoked: z.boolean() }).strict(),
    ...errors,
    404: ZErrorResponse
  }
}
