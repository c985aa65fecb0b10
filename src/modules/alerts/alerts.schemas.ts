import { z } from 'zod'
import { errorResponses, ZErrorResponse, ZId } from '../../lib/http-schemas.js'
import { ZFinding } from '../redaction/redaction.schemas.js'

export const HAZARD_MAX = 2000
export const STEP_MAX = 1000

const ZCode = z.string().trim().regex(/^[A-Za-z0-9.-]{1,20}$/, { error: 'expected a taxonomy code' })
const ZRegion = z.string().trim().min(1).max(100)

export const ZAlertDraft = z
  .object({
    hazard: z
      .string()
      .trim()
      .min(1)
      .max(HAZARD_MAX)
      .describe("the hazard in the team's own words (redacted before it is stored)"),
    themes: z.array(ZCode).min(1).max(10).describe('taxonomy codes it concerns (any level)'),
    step: z.string().trim().min(1).max(STEP_MAX).describe('the recommended immediate step (redacted too)'),
    regions: z.array(ZRegion).max(50).default([]).describe('the regions it is for; empty: every region'),
    reportId: ZId.optional().describe('the report it was drafted from, if any: its reporter sees that an alert went out')
  })
  .strict()

export const ZAlert = z
  .object({
    id: z.uuid(),
    status: z.enum(['draft', 'approved']),
    hazard: z.string(),
    themes: z.array(z.string()),
    step: z.string(),
    regions: z.array(z.string()).describe('empty: every region'),
    draftedOn: z.string().describe('YYYY-MM-DD'),
    issuedOn: z.string().nullable().describe('the date a lead approved it and it went out (YYYY-MM-DD)')
  })
  .strict()

export const ZPublicAlert = ZAlert.omit({ status: true, draftedOn: true }).extend({ issuedOn: z.string() }).strict()

const errors = errorResponses(400, 401, 403, 404, 409)
const ZParams = z.object({ id: ZId }).strict()

export const draftSchema = {
  tags: ['alerts'],
  summary:
    'Draft a hazard alert (reviewers and leads; needs X-CSRF-Token). It goes out only once another person, a lead, ' +
    'approves it.',
  body: ZAlertDraft,
  response: {
    201: z
      .object({
        alert: ZAlert,
        findings: z.object({ hazard: z.array(ZFinding), step: z.array(ZFinding) }).strict().describe('what redaction replaced, by field')
      })
      .strict(),
    ...errors
  }
}

export const approveSchema = {
  tags: ['alerts'],
  summary:
    'Approve a drafted alert (leads, never its drafter; needs X-CSRF-Token): queues it for every receiver of its ' +
    'regions.',
  params: ZParams,
  response: { 200: z.object({ alert: ZAlert, queued: z.number().int() }).strict(), ...errors }
}

export const showSchema = {
  tags: ['alerts'],
  summary: 'One alert with how many of its deliveries are sent and pending (reviewers and leads).',
  params: ZParams,
  response: {
    200: z
      .object({ alert: ZAlert, deliveries: z.object({ pending: z.number().int(), sent: z.number().int() }).strict() })
      .strict(),
    ...errors
  }
}

export const listSchema = {
  tags: ['alerts'],
  summary: "Approved hazard alerts for the API key's region (including those for every region), newest first.",
  response: {
    200: z.object({ alerts: z.array(ZPublicAlert) }).strict(),
    400: ZErrorResponse,
    401: ZErrorResponse,
    429: ZErrorResponse
  }
}

export const addRecipientSchema = {
  tags: ['alerts'],
  summary: "Add a region's alert mailbox (admins; needs X-CSRF-Token).",
  body: z.object({ region: ZRegion, email: z.email().max(254) }).strict(),
  response: { 201: z.object({ id: z.uuid(), region: z.string() }).strict(), ...errors }
}

export const addWebhookSchema = {
  tags: ['alerts'],
  summary: "Add a region's alert webhook (admins; needs X-CSRF-Token). The signing secret is shown once, here.",
  body: z
    .object({ region: ZRegion, url: z.url({ protocol: /^https?$/ }).max(2000).describe('http or https address alerts are POSTed to') })
    .strict(),
  response: {
    201: z
      .object({
        id: z.uuid(),
        region: z.string(),
        url: z.string(),
        secret: z.string().describe('base64url; HMAC-SHA-256 key for the Candid-Signature header (v1=hex over "timestamp.body")')
      })
      .strict(),
    ...errors
  }
}
