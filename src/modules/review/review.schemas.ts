import { z } from 'zod'
import { errorResponses, ZErrorResponse, ZId, ZMonth, ZReportParams } from '../../lib/http-schemas.js'
import { ZCoding } from '../codings/codings.schemas.js'
import { ZMessage } from '../messages/messages.schemas.js'
import { DETECTIONS, EVENT_CLASSES, SETTINGS } from '../reports/reports.schemas.js'

export const REPORT_STATUSES = ['new', 'in_review', 'coded', 'closed', 'withdrawn', 'merged'] as const

export const ZQueueQuery = z
  .object({
    status: z.enum(REPORT_STATUSES).optional(),
    eventClass: z.enum(EVENT_CLASSES).optional(),
    setting: z.enum(SETTINGS).optional(),
    region: z.string().max(64).optional(),
    month: ZMonth.optional().describe('the month the event happened in'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25)
  })
  .strict()

export type TQueueQuery = z.infer<typeof ZQueueQuery>

export const ZReportSummary = z
  .object({
    id: z.uuid(),
    status: z.enum(REPORT_STATUSES),
    eventClass: z.enum(EVENT_CLASSES),
    detection: z.enum(DETECTIONS),
    setting: z.enum(SETTINGS),
    region: z.string(),
    occurredMonth: ZMonth,
    receivedOn: z.string().describe('the date it arrived (YYYY-MM-DD)'),
    handover: z.boolean(),
    consentToPublish: z.boolean(),
    mergedIntoId: z.uuid().nullable().describe('for a merged duplicate: the report it is counted under'),
    unreadAnswers: z
      .boolean()
      .describe('the reporter has answered since a reviewer last opened the report (opening it marks them read)')
  })
  .strict()

export type TReportSummary = z.infer<typeof ZReportSummary>

export const ZQueueResponse = z
  .object({
    items: z.array(ZReportSummary),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int()
  })
  .strict()

export const ZReportDetail = ZReportSummary.extend({
  narrative: z
    .string()
    .nullable()
    .describe('the redacted narrative, unsealed for this read (which is audited); null once destroyed'),
  codings: z.array(ZCoding).describe("a reviewer sees others' codings only after making their own; leads see all"),
  messages: z.array(ZMessage).describe('the follow-up conversation with the reporter, oldest first')
}).strict()

export const ZDuplicate = ZReportSummary.extend({
  similarity: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('Jaccard index of the two reports\' leaf codes you may see (blind coding holds); null when either has none'),
  sharedCodes: z.array(z.string()).describe('the leaf codes both reports carry, of those you may see')
}).strict()

export const ZDuplicatesResponse = z
  .object({ items: z.array(ZDuplicate).describe('most similar first, then oldest first; at most 20; no narrative') })
  .strict()

export const ZMergeBody = z
  .object({ into: ZId.describe('the primary report: this one is counted under it from now on') })
  .strict()

export const ZStatusBody = z.object({ status: z.enum(['in_review', 'closed']) }).strict()

const errors = errorResponses(400, 401, 403)

export const queueSchema = {
  tags: ['review'],
  summary: 'The triage queue: reports without their narratives, newest first, filtered and paginated.',
  querystring: ZQueueQuery,
  response: { 200: ZQueueResponse, ...errors }
}

export const readSchema = {
  tags: ['review'],
  summary: 'One report with its narrative unsealed. Every read is written to the audit log.',
  params: ZReportParams,
  response: { 200: ZReportDetail, ...errors, 404: ZErrorResponse, 409: ZErrorResponse }
}

export const statusSchema = {
  tags: ['review'],
  summary: 'Move a report along: start review, close, or reopen a closed one (needs X-CSRF-Token).',
  params: ZReportParams,
  body: ZStatusBody,
  response: { 200: ZReportSummary, ...errors, 404: ZErrorResponse, 409: ZErrorResponse }
}

export const duplicatesSchema = {
  tags: ['review'],
  summary: 'Possible duplicates: open reports of the same month, region and setting, with how alike their codes are.',
  params: ZReportParams,
  response: { 200: ZDuplicatesResponse, ...errors, 404: ZErrorResponse }
}

export const mergeSchema = {
  tags: ['review'],
  summary: 'Merge a duplicate into its primary report, so it is counted once (needs X-CSRF-Token).',
  params: ZReportParams,
  body: ZMergeBody,
  response: { 200: ZReportSummary, ...errors, 404: ZErrorResponse, 409: ZErrorResponse }
}
