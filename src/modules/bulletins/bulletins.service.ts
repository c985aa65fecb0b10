import { createHash, createHmac, randomUUID } from 'node:crypto'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { dateOfMonthIndex, parsePeriod } from '../../lib/periods.js'
import { redact } from '../../lib/redaction/index.js'
import { regionName } from '../form/index.js'
import { ZSummary } from '../summaries/summaries.schemas.js'
import type { TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { atomFeed } from './bulletins.atom.js'
import { buildBulletin } from './bulletins.builder.js'
import { bulletinHtml } from './bulletins.html.js'
import { bulletinPdf } from './bulletins.pdf.js'
import type { BulletinsRepository, DraftRow } from './bulletins.repository.js'
import { NATIONAL, type TBulletin, type TBulletinContent, ZBulletin, ZBulletinContent } from './bulletins.schemas.js'

/** Two people other than the drafter approve a bulletin, as for learning points (issue 13.3, issue 18.1). */
export const REQUIRED_APPROVALS = 2

type TBulletinEdit = { introduction?: string; commentary?: { point: number; text: string }[] }

const day = (date: Date) => date.toISOString().slice(0, 10)
const hashOf = (content: string) => createHash('sha256').update(content, 'utf8').digest('hex')

export const linksOf = (quarter: string, scope: string) => {
  const html = scope === NATIONAL ? `/bulletins/${quarter}` : `/bulletins/${quarter}/${scope}`
  return { html, pdf: `${html}.pdf`, atom: '/bulletins/feed.atom' }
}

export type BulletinsServiceDeps = {
  repository: BulletinsRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  regions: readonly string[]
  /** The server's API-key pepper: the feed's id is derived from it, stable for the installation, secret-free. */
  pepper: () => Uint8Array
  clock?: () => Date
}

export const createBulletinsService = (deps: BulletinsServiceDeps) => {
  const { repository, taxonomy, regions, pepper, clock = () => new Date() } = deps

  const approversOf = (row: Pick<DraftRow, 'draftedBy' | 'content' | 'approvals'>) => {
    const hash = hashOf(row.content)
    return row.approvals.filter((one) => one.contentHash === hash && one.approverId !== row.draftedBy)
      .map((one) => one.approverId)
  }

  const view = (row: DraftRow, userId: string) => {
    const approvers = approversOf(row)
    return {
      id: row.id,
      status: row.status,
      draftedOn: day(row.draftedOn),
      approvedOn: row.approvedOn ? day(row.approvedOn) : null,
      draftedByYou: row.draftedBy === userId,
      approvals: approvers.length,
      approvedByYou: approvers.includes(userId),
      content: ZBulletinContent.parse(JSON.parse(row.content))
    }
  }

  const found = async (id: string) => {
    const row = await repository.find(id)
    if (!row) throw new AppError('NOT_FOUND', 'There is no such bulletin.')
    return row
  }

  /** The content of a new draft, from the quarter's frozen summaries, alerts and actions. */
  const compose = async (quarter: string, scope: string): Promise<TBulletinContent> => {
    const [first, last] = parsePeriod(quarter) ?? [0, 0]
    const from = dateOfMonthIndex(first)
    const to = dateOfMonthIndex(last + 1)
    const inScope = (region: string) => scope === NATIONAL || region === scope
    const parse = (rows: { region: string; json: string }[]) =>
      rows.filter((row) => inScope(row.region)).map((row) => ZSummary.parse(JSON.parse(row.json)))
    const summaries = parse(await repository.summaries(quarter))
    const previousQuarter = await repository.previousQuarter(quarter)
    const previous = previousQuarter
      ? { quarter: previousQuarter, summaries: parse(await repository.summaries(previousQuarter)) }
      : null
    const labels = new Map<string, string>()
    for (const domain of (await taxonomy.current()).document.domains) {
      labels.set(domain.code, domain.label)
      for (const group of domain.groups) labels.set(group.code, group.label)
    }
    const alerts = (await repository.alertsIssued(from, to))
      .filter((alert) => scope === NATIONAL || alert.regions.length === 0 || alert.regions.includes(scope))
      .map(({ hazard, step, themes, approvedOn }) => ({ hazard, step, themes, issuedOn: day(approvedOn as Date) }))
    const actions = (await repository.actionsDone(from, to))
      .filter((action) => scope === NATIONAL || action.regions.length === 0 || action.regions.includes(scope))
      .map((action) => ({
        description: action.description,
        owner: action.owner,
        themes: action.themes,
        outcome: action.outcome,
        completedOn: day(action.doneOn as Date)
      }))
    return buildBulletin({ quarter, scope, regionName, summaries, previous, labels, alerts, actions })
  }

  /** The public bytes of an approved bulletin: its JSON, HTML and PDF, made once and stored. */
  const render = async (row: DraftRow, approvedOn: Date) => {
    const bulletin: TBulletin = ZBulletin.parse({
      ...ZBulletinContent.parse(JSON.parse(row.content)),
      approvedOn: day(approvedOn),
      links: linksOf(row.quarter, row.scope)
    })
    return { json: JSON.stringify(bulletin), html: bulletinHtml(bulletin), pdf: await bulletinPdf(bulletin) }
  }

  return {
    create: async (input: { quarter: string; scope: string }, userId: string) => {
      if (input.scope !== NATIONAL && !regions.includes(input.scope)) {
        throw new AppError('VALIDATION_FAILED', `scope: "${NATIONAL}" or one of the regions (${regions.join(', ')}).`)
      }
      if ((await repository.summaries(input.quarter)).length === 0) {
        throw new AppError('CONFLICT', `${input.quarter} is not published: a bulletin is drafted from a published quarter.`)
      }
      if (await repository.exists(input.quarter, input.scope)) {
        throw new AppError('CONFLICT', `The ${input.quarter} bulletin for ${input.scope} is drafted already.`)
      }
      const content = await compose(input.quarter, input.scope)
      const row = await repository.create({
        id: randomUUID(),
        quarter: input.quarter,
        scope: input.scope,
        content: JSON.stringify(content),
        draftedBy: userId,
        draftedOn: toDateOnly(clock())
      }).catch((error: unknown) => {
        // Two drafts at once: the unique (quarter, scope) keeps one.
        if ((error as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'That bulletin is drafted already.')
        throw error
      })
      return view(row, userId)
    },

    // With what a new draft can be made from, so that the console offers choices rather than a free-text quarter.
    list: async (userId: string) => ({
      bulletins: (await repository.list()).map((row) => view(row, userId)),
      quarters: await repository.publishedQuarters(),
      scopes: [NATIONAL, ...regions]
    }),

    show: async (id: string, userId: string) => view(await found(id), userId),

    /** The reviewers' words, through the redaction like every excerpt; the approvals so far no longer count. */
    edit: async (id: string, edit: TBulletinEdit, userId: string) => {
      const row = await found(id)
      if (row.status !== 'draft') throw new AppError('CONFLICT', 'This bulletin is approved and frozen.')
      const content = ZBulletinContent.parse(JSON.parse(row.content))
      if (edit.introduction !== undefined) content.introduction = redact(edit.introduction).redacted
      for (const { point, text } of edit.commentary ?? []) {
        const target = content.learningPoints[point]
        if (!target) throw new AppError('VALIDATION_FAILED', `commentary: there is no learning point ${point}.`)
        target.commentary = redact(text).redacted
      }
      return view(await repository.edit(id, JSON.stringify(content)), userId)
    },

    approve: async (id: string, userId: string) => {
      const row = await found(id)
      if (row.draftedBy === userId) {
        throw new AppError('FORBIDDEN', 'A bulletin needs two people other than its drafter: you drafted this one.')
      }
      if (row.status !== 'draft') throw new AppError('CONFLICT', 'This bulletin was approved already.')
      const today = toDateOnly(clock())
      await repository.approve(id, { approverId: userId, contentHash: hashOf(row.content), approvedOn: today },
        async (approvals) =>
          approversOf({ ...row, approvals }).length >= REQUIRED_APPROVALS ? render(row, today) : null)
      return view(await found(id), userId)
    },

    /**
     * An approved bulletin's stored bytes, or 404 (not drafted, not approved yet, or no such region). `region` says
     * the address named a region: the national bulletin has one address only, not a second as region "national".
     */
    published: async (quarter: string, scope: string, { region = false }: { region?: boolean } = {}) => {
      const stored = region && scope === NATIONAL ? null : await repository.published(quarter, scope)
      if (!stored?.json || !stored.html || !stored.pdf) {
        throw new AppError('NOT_FOUND', `There is no approved bulletin for ${quarter} (${scope}).`)
      }
      return { json: stored.json, html: stored.html, pdf: Buffer.from(stored.pdf) }
    },

    feed: async () => {
      const id = createHmac('sha256', pepper()).update('bulletin-feed').digest('hex')
      const feedId = `urn:uuid:${id.slice(0, 8)}-${id.slice(8, 12)}-8${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20, 32)}`
      const rows = await repository.feed()
      return atomFeed(feedId, rows.map((row) => {
        const content = ZBulletinContent.parse(JSON.parse(row.content))
        const links = linksOf(row.quarter, row.scope)
        return {
          id: `urn:uuid:${row.id}`,
          title: content.title,
          // Words, not tallies: the feed shows no count the summary does not.
          summary: `Themes, learning points, hazard alerts and actions completed: ${content.quarter}.`,
          approvedOn: day(row.approvedOn as Date),
          html: links.html,
          pdf: links.pdf
        }
      }))
    }
  }
}

export type BulletinsService = ReturnType<typeof createBulletinsService>
