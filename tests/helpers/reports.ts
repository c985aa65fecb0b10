import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { toMonthString } from '../../src/lib/dates.js'

/** A valid intake body (the contract of POST /api/v1/reports), with overrides. */
export const reportBody = (overrides: Record<string, unknown> = {}) => ({
  eventClass: 'near_miss',
  narrative: 'The strategy meeting invite went to the wrong address and nearly reached the father.',
  detection: 'colleague',
  setting: 'child_protection',
  region: 'north-east',
  occurredMonth: toMonthString(new Date()),
  handover: false,
  consentToPublish: true,
  ...overrides
})

export const postReport = (app: FastifyInstance, body: unknown = reportBody(), headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/reports', payload: body as object, headers })

export const newIdempotencyKey = () => randomUUID()
