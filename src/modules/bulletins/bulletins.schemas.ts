import { z } from 'zod'
import { errorResponses, ZErrorResponse, ZId } from '../../lib/http-schemas.js'
import { SUPPRESSED_SYMBOL } from '../summaries/summaries.schemas.js'

/** The whole country's bulletin; every other scope is a configured region. */
export const NATIONAL = 'national'

const ZValue = z.union([z.number().int().nonnegative(), z.literal(SUPPRESSED_SYMBOL)])
const ZCount = z.number().int().nonnegative()
const ZQuarter = z.string().regex(/^(?:19|20)\d{2}-Q[1-4]$/, { error: 'expected a quarter as YYYY-Qn' })
const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('YYYY-MM-DD (dates only, never a time)')
export const COMMENTARY_MAX = 2000
export const INTRODUCTION_MAX = 4000

/**
 * What a bulletin says (issue 13.3). Every figure is a value the quarter's published summaries already show (or,
 * nationally, a sum of them), so the bulletin can narrow nothing further; every free text is the approved learning
 * points, alerts and actions, redacted again, and the reviewers' commentary, redacted too. Strict objects, so
 * nothing else slips in.
 */
export const ZBulletinContent = z
  .object({
    quarter: ZQuarter,
    scope: z.string().describe(`"${NATIONAL}" or a region`),
    title: z.string(),
    introduction: z.string().describe("the reviewers' opening words (redacted)"),
    disclosure: z
      .object({
        suppressedBelow: z.number().int(),
        roundedTo: z.number().int(),
        marker: z.literal(SUPPRESSED_SYMBOL),
        note: z.string()
      })
      .strict(),
    headline: z
      .object({
        status: z.enum(['published', 'withheld']).describe('withheld: too few reports for any figure'),
        reportsOnTime: ZValue.nullable(),
        reportsLate: ZValue.nullable()
      })
      .strict(),
    themes: z
      .array(z.object({ code: z.string(), label: z.string(), count: ZValue }).strict())
      .describe("the quarter's commonest themes (groups) among on-time reports, from the published group table"),
    rising: z
      .object({
        previousQuarter: ZQuarter.nullable(),
        themes: z.array(
          z.object({ code: z.string(), label: z.string(), previous: ZCount, current: ZCount }).strict()
        )
      })
      .strict()
      .describe('themes whose published on-time count rose from the previous published quarter (published values only)'),
    learningPoints: z
      .array(z.object({ text: z.string(), commentary: z.string() }).strict())
      .describe("the summary's published learning points (two approvals, rows of at least suppressedBelow reports)"),
    alerts: z.array(
      z.object({ hazard: z.string(), step: z.string(), themes: z.array(z.string()), issuedOn: ZDay }).strict()
    ),
    actions: z.array(
      z
        .object({
          description: z.string(),
          owner: z.string(),
          themes: z.array(z.string()),
          outcome: z.string(),
          completedOn: ZDay
        })
        .strict()
    )
  })
  .strict()
export type TBulletinContent = z.infer<typeof ZBulletinContent>

/** The frozen public document: the approved content, its approval date and where to read it. */
export const ZBulletin = ZBulletinContent.extend({
  approvedOn: ZDay,
  links: z.object({ html: z.string(), pdf: z.string(), atom: z.string() }).strict()
}).strict()
export type TBulletin = z.infer<typeof ZBulletin>

export const ZBulletinDraft = z
  .object({
    id: z.uuid(),
    status: z.enum(['draft', 'approved']),
    draftedOn: ZDay,
    approvedOn: ZDay.nullable(),
    draftedByYou: z.boolean(),
    approvals: z.number().int().describe('approvals of the content as it is now, by people other than its drafter'),
    approvedByYou: z.boolean(),
    content: ZBulletinContent
  })
  .strict()

const errors = errorResponses(400, 401, 403, 404, 409)
const ZParams = z.object({ id: ZId }).strict()

export const createDraftSchema = {
  tags: ['bulletins'],
  summary: 'Draft the learning bulletin of a published quarter, for a region or the whole country (reviewers, leads).',
  description:
    'Needs X-CSRF-Token. Takes the published summaries, the alerts issued and the actions completed in the quarter, ' +
    'and runs every excerpt through the redaction again. 409 when the quarter is not published or the bulletin exists.',
  body: z
    .object({ quarter: ZQuarter, scope: z.string().min(1).max(64).default(NATIONAL).describe(`"${NATIONAL}" or a region`) })
    .strict(),
  response: { 201: ZBulletinDraft, ...errors }
}

export const listDraftsSchema = {
  tags: ['bulletins'],
  summary: 'Bulletins drafted and approved, newest quarter first (reviewers, leads).',
  description: 'With the published quarters (newest first) and the scopes a new draft can take.',
  response: {
    200: z
      .object({
        bulletins: z.array(ZBulletinDraft),
        quarters: z.array(ZQuarter).describe('published quarters, newest first: what a draft is made from'),
        scopes: z.array(z.string()).describe(`"${NATIONAL}" and the configured regions`)
      })
      .strict(),
    ...errors
  }
}

export const showDraftSchema = {
  tags: ['bulletins'],
  summary: 'One bulletin as drafted, with its approvals (reviewers, leads).',
  params: ZParams,
  response: { 200: ZBulletinDraft, ...errors }
}

export const editDraftSchema = {
  tags: ['bulletins'],
  summary: "Edit a draft's introduction and the commentary on its learning points (reviewers, leads; redacted).",
  description: 'Needs X-CSRF-Token. An edit voids the approvals given so far; an approved bulletin is frozen (409).',
  params: ZParams,
  body: z
    .object({
      introduction: z.string().trim().max(INTRODUCTION_MAX).optional(),
      commentary: z
        .array(
          z
            .object({
              point: z.number().int().nonnegative().describe('the learning point, by its place in content.learningPoints'),
              text: z.string().trim().max(COMMENTARY_MAX)
            })
            .strict()
        )
        .max(200)
        .optional()
    })
    .strict(),
  response: { 200: ZBulletinDraft, ...errors }
}

export const approveSchema = {
  tags: ['bulletins'],
  summary: 'Approve a bulletin (leads other than its drafter); the second approval freezes and publishes it.',
  description: 'Needs X-CSRF-Token. 403 for the drafter, 409 once approved.',
  params: ZParams,
  response: { 200: ZBulletinDraft, ...errors }
}

export const ZPublicParams = z.object({ quarter: ZQuarter }).strict()
export const ZPublicRegionParams = z.object({ quarter: ZQuarter, region: z.string().min(1).max(64) }).strict()

const apiRead = <P extends z.ZodType>(region: boolean, params: P) => ({
  tags: ['bulletins'],
  summary: region
    ? "A region's approved learning bulletin as JSON (API key)."
    : "The whole country's approved learning bulletin as JSON (API key).",
  description:
    'Authorization: Bearer <API key>. Bulletins are public once approved, so any key reads any of them; every pull ' +
    'returns the same bytes. 404 until two leads have approved it.',
  security: [{ apiKey: [] }],
  params,
  response: { 200: ZBulletin, 400: ZErrorResponse, 401: ZErrorResponse, 404: ZErrorResponse, 429: ZErrorResponse }
})
export const apiNationalSchema = apiRead(false, ZPublicParams)
export const apiRegionSchema = apiRead(true, ZPublicRegionParams)

const ZDocument = z.string()
const publicDoc = <P extends z.ZodType>(summary: string, type: string, params: P) => ({
  tags: ['bulletins'],
  summary,
  description: `Public, no sign-in: ${type}. 404 until the bulletin has two approvals.`,
  params,
  produces: [type],
  response: { 200: ZDocument.describe(type), 400: ZErrorResponse, 404: ZErrorResponse }
})
const ZPublicName = z.object({ name: z.string().regex(/^(?:19|20)\d{2}-Q[1-4](?:\.pdf)?$/) }).strict()
const ZPublicRegionName = z
  .object({ quarter: ZQuarter, name: z.string().regex(/^[a-z0-9-]{1,64}(?:\.pdf)?$/) })
  .strict()
export const publicNationalSchema = publicDoc(
  "The whole country's bulletin: /bulletins/{quarter} (HTML) or /bulletins/{quarter}.pdf (PDF).",
  'text/html or application/pdf',
  ZPublicName
)
export const publicRegionSchema = publicDoc(
  "A region's bulletin: /bulletins/{quarter}/{region} (HTML) or /bulletins/{quarter}/{region}.pdf (PDF).",
  'text/html or application/pdf',
  ZPublicRegionName
)
export const feedSchema = {
  tags: ['bulletins'],
  summary: 'Atom feed (RFC 4287) of every approved bulletin, newest first; public.',
  produces: ['application/atom+xml'],
  response: { 200: ZDocument.describe('application/atom+xml'), 404: ZErrorResponse }
}
