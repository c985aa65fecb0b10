import { z } from 'zod'
import { ZErrorResponse, ZMonth } from '../../lib/http-schemas.js'

export const KAPPA_METHOD =
  "Cohen's kappa, κ = (pₒ − pₑ)/(1 − pₑ), on reports coded independently by at least two reviewers (the first " +
  'two codings of each; merged duplicates left out). Per code: whether each coder used the code, in either role. ' +
  'Overall: pooled kappa (de Vries et al. 2008), (mean pₒ − mean pₑ)/(1 − mean pₑ) over every code either coder ' +
  'used. Facets: nominal kappa. ' +
  'kappa is null where it is undefined (both coders always gave the same single answer).'

export const ZAgreementQuery = z
  .object({
    from: ZMonth.optional().describe('first month the events happened in (YYYY-MM)'),
    to: ZMonth.optional().describe('last month the events happened in (YYYY-MM)'),
    taxonomyVersion: z.coerce.number().int().min(1).max(10_000).optional().describe('default: the current version')
  })
  .strict()

export type TAgreementQuery = z.infer<typeof ZAgreementQuery>

const ZFigures = z.object({
  kappa: z.number().nullable(),
  observedAgreement: z.number(),
  expectedAgreement: z.number()
})

export const ZAgreementResponse = z
  .object({
    method: z.string(),
    taxonomyVersion: z.number().int(),
    codedReports: z.number().int().describe('reports with at least one coding in the period'),
    doubleCodedReports: z.number().int(),
    doubleCodedShare: z.number().describe('the coding rules ask for at least 0.2'),
    overall: ZFigures.extend({ decisions: z.number().int().describe('report × code decisions behind it') }).strict(),
    codes: z.array(
      ZFigures.extend({
        code: z.string(),
        both: z.number().int(),
        firstOnly: z.number().int(),
        secondOnly: z.number().int(),
        neither: z.number().int()
      }).strict()
    ),
    facets: z.array(ZFigures.extend({ facet: z.string(), n: z.number().int() }).strict())
  })
  .strict()

export type TAgreementResponse = z.infer<typeof ZAgreementResponse>

export const agreementSchema = {
  tags: ['analysis'],
  summary: "Agreement between coders (Cohen's kappa) per code, per facet and overall, on double-coded reports.",
  querystring: ZAgreementQuery,
  response: {
    200: ZAgreementResponse,
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    404: ZErrorResponse
  }
}
