import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'

export const ZLiveResponse = z.object({ status: z.literal('ok') }).strict()

export const ZReadyResponse = z.object({ status: z.literal('ready') }).strict()

export const liveSchema = {
  tags: ['health'],
  summary: 'Liveness: the process is up and its event loop turns',
  response: { 200: ZLiveResponse }
}

export const readySchema = {
  tags: ['health'],
  summary: 'Readiness: the database answers and every migration is applied',
  response: { 200: ZReadyResponse, 503: ZErrorResponse }
}
