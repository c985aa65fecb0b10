import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'

const ZLeaf = z
  .object({
    code: z.string(),
    label: z.string(),
    definition: z.string(),
    includes: z.array(z.string()),
    excludes: z.array(z.string()),
    example: z.string()
  })
  .strict()

const ZGroup = z
  .object({ code: z.string(), label: z.string(), description: z.string(), leaves: z.array(ZLeaf) })
  .strict()

const ZDomain = z
  .object({ code: z.string(), label: z.string(), description: z.string(), groups: z.array(ZGroup) })
  .strict()

const ZFacet = z
  .object({
    key: z.string(),
    label: z.string(),
    description: z.string(),
    values: z.array(z.object({ key: z.string(), label: z.string() }).strict())
  })
  .strict()

/** The stored document of one version (prisma/seed-data/*.json), checked whenever it is read. */
export const ZTaxonomyDocument = z
  .object({
    version: z.number().int(),
    name: z.string(),
    title: z.string(),
    domains: z.array(ZDomain),
    facets: z.array(ZFacet),
    codingRules: z.array(z.string())
  })
  .strict()

export type TTaxonomyDocument = z.infer<typeof ZTaxonomyDocument>

/** A facet as the API shows it: named as a coding names it (camelCase), handover's values as true and false. */
const ZFacetResponse = z
  .object({
    key: z.string().describe('the field of a coding\'s facets this facet fills (eventType, reachAndHarm, …)'),
    label: z.string(),
    description: z.string(),
    values: z.array(z.object({ key: z.union([z.string(), z.boolean()]), label: z.string() }).strict())
  })
  .strict()

export const ZTaxonomyResponse = ZTaxonomyDocument.extend({
  facets: z.array(ZFacetResponse),
  publishedOn: z.string(),
  isCurrent: z.boolean(),
  mappings: z
    .array(z.object({ fromVersion: z.number().int(), fromCode: z.string(), toCode: z.string() }).strict())
    .describe('how codes of earlier versions map to this one, so trends stay comparable')
}).strict()

export const ZTaxonomyQuery = z
  .object({ version: z.coerce.number().int().min(1).max(10_000).optional().describe('default: the current version') })
  .strict()

export const taxonomySchema = {
  tags: ['review'],
  summary: 'The human-factors taxonomy (CPHF): domains, groups and leaf codes with definitions, and the facets.',
  querystring: ZTaxonomyQuery,
  response: {
    200: ZTaxonomyResponse,
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    404: ZErrorResponse,
    503: ZErrorResponse
  }
}
