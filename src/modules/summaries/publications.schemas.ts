import { z } from 'zod'
import { errorResponses, ZErrorResponse } from '../../lib/http-schemas.js'
import { ZSummary } from './summaries.schemas.js'

const ZQuarter = z.string().regex(/^(?:19|20)\d{2}-Q[1-4]$/, { error: 'expected a quarter as YYYY-Qn' })

const errors = errorResponses(400, 401, 403)

export const overviewSchema = {
  tags: ['admin'],
  summary: 'The quarterly publications: the regions, the quarters published, and those due (closed long enough).',
  querystring: z.object({}).strict(),
  response: {
    200: z
      .object({
        regions: z.array(z.string()),
        published: z.array(z.object({ quarter: z.string(), publishedOn: z.string() }).strict()).describe('oldest first'),
        due: z.array(z.string()).describe('quarters that may be published now, newest first')
      })
      .strict(),
    ...errors
  }
}

export const publishSchema = {
  tags: ['admin'],
  summary: 'Publish a due quarter now (needs X-CSRF-Token), as `admin publish-quarter` does; it never changes after.',
  params: z.object({ quarter: ZQuarter }).strict(),
  response: {
    200: z
      .object({
        outcome: z.enum(['published', 'already']),
        quarter: z.string(),
        regions: z.number().int().optional(),
        reports: z.number().int().optional()
      })
      .strict(),
    ...errors,
    409: ZErrorResponse
  }
}

export const previewSchema = {
  tags: ['admin'],
  summary:
    "Exactly the JSON a region's API key gets for a quarter: the frozen summary once published, else what " +
    'publishing now would freeze (nothing is stored).',
  params: z.object({ quarter: ZQuarter, region: z.string().min(1).max(64) }).strict(),
  response: {
    200: z.object({ published: z.boolean(), summary: ZSummary }).strict(),
    ...errors,
    404: ZErrorResponse,
    409: ZErrorResponse
  }
}
