import { z } from 'zod'
import { errorResponses, ZErrorResponse } from '../../lib/http-schemas.js'

const ZFlag = z
  .object({
    kind: z.enum(['uniqueness', 'kinship', 'rare_setting']),
    phrase: z.string().describe('the words that could single out a family')
  })
  .strict()

export const ZLearningPoint = z
  .object({
    codingId: z.string().uuid(),
    region: z.string(),
    quarter: z.string().describe('the quarter of the event'),
    text: z.string(),
    flags: z.array(ZFlag).describe('quasi-identifying phrases for the approvers to weigh; a flagged point is held ' +
      'until its approvers say they have read the flags'),
    approvals: z.number().int().describe('approvals of this text by people other than its coder'),
    approvedByYou: z.boolean(),
    codedByYou: z.boolean().describe('a coder cannot approve their own point'),
    status: z.enum(['awaiting_approval', 'approved']).describe('approved: two approvals; published with its quarter ' +
      'if its row (on time or late) has at least SUPPRESS_BELOW reports')
  })
  .strict()
export type TLearningPoint = z.infer<typeof ZLearningPoint>

export const ZApprovalBody = z
  .object({
    flagsReviewed: z.boolean().default(false).describe('required true to approve a point with flags')
  })
  .strict()

const ZParams = z.object({ codingId: z.string().uuid() }).strict()

const errors = errorResponses(401, 403)

export const listSchema = {
  tags: ['learning points'],
  summary: 'Consented learning points and their approvals for publication (safety leads; issue 18.1).',
  description: 'Leaves out reports you may still code (open and not coded by you): their points are part of ' +
    "another reviewer's coding. Points are sealed to the team key until approved, so this needs an account that can " +
    'unseal (403 otherwise).',
  response: { 200: z.object({ points: z.array(ZLearningPoint) }).strict(), ...errors }
}

export const approveSchema = {
  tags: ['learning points'],
  summary: 'Approve a learning point for publication: it is published once two people other than its coder have.',
  params: ZParams,
  body: ZApprovalBody,
  response: { 200: ZLearningPoint, 400: ZErrorResponse, 404: ZErrorResponse, 409: ZErrorResponse, ...errors }
}
