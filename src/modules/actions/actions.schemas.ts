import { z } from 'zod'
import { errorResponses, ZId } from '../../lib/http-schemas.js'

export const ACTION_STATUSES = ['proposed', 'agreed', 'in_progress', 'done', 'dropped'] as const

const ZDay = z.iso.date({ error: 'expected a date as YYYY-MM-DD' })
const ZText = (max: number) => z.string().trim().min(1).max(max)

export const ZAction = z
  .object({
    id: z.uuid(),
    description: z.string(),
    owner: z.string().describe('the team or role that owns it'),
    themes: z.array(z.string()),
    reportIds: z.array(z.uuid()),
    dueOn: z.string().describe('YYYY-MM-DD'),
    status: z.enum(ACTION_STATUSES),
    outcome: z.string().describe("when done: what changed ('' before)"),
    reason: z.string().describe("when dropped: why ('' otherwise)"),
    createdOn: z.string(),
    updatedOn: z.string(),
    doneOn: z.string().nullable(),
    overdue: z.boolean().describe('still open after its due date')
  })
  .strict()

const errors = errorResponses(400, 401, 403, 404, 409)

export const createActionSchema = {
  tags: ['actions'],
  summary:
    'Record an action against themes or reports (leads; needs X-CSRF-Token). Texts are redacted; the owner is a ' +
    'team or role.',
  body: z
    .object({
      description: ZText(2000).describe('what will change'),
      owner: ZText(200).describe('the team or role that owns it, never a person'),
      dueOn: ZDay,
      themes: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,20}$/)).max(10).default([]),
      reportIds: z.array(ZId).max(100).default([]).describe('linked reports: their reporters see the action on the receipt page')
    })
    .strict(),
  response: { 201: ZAction, ...errors }
}

export const updateActionSchema = {
  tags: ['actions'],
  summary:
    'Move an action on (leads; needs X-CSRF-Token): proposed → agreed → in_progress → done (with what changed), or ' +
    'dropped (with a reason) from any open status.',
  params: z.object({ id: ZId }).strict(),
  body: z
    .object({
      status: z.enum(ACTION_STATUSES),
      outcome: ZText(2000).optional().describe('required for done: what changed'),
      reason: ZText(1000).optional().describe('required for dropped'),
      dueOn: ZDay.optional()
    })
    .strict(),
  response: { 200: ZAction, ...errors }
}

export const listActionsSchema = {
  tags: ['actions'],
  summary: 'Actions, soonest due first (leads); `overdue=true` for the open ones past their due date.',
  querystring: z.object({ overdue: z.enum(['true', 'false']).optional() }).strict(),
  response: { 200: z.object({ actions: z.array(ZAction) }).strict(), ...errors }
}

export const ZReporterAction = z
  .object({
    action: z.string(),
    status: z.enum(ACTION_STATUSES),
    dueOn: z.string(),
    updatedOn: z.string(),
    outcome: z.string().describe('when done: what changed'),
    reason: z.string().describe('when dropped: why')
  })
  .strict()
