import { randomUUID } from 'node:crypto'
import type { ActionStatus } from '../../generated/prisma/client.js'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { redact } from '../../lib/redaction/index.js'
import { assertThemes, type TaxonomyService } from '../taxonomy/taxonomy.service.js'
import type { ActionsRepository } from './actions.repository.js'

/**
 * "You said, we did" (CHIRP's and CIRAS's feedback of the action taken): leads record what will change, against
 * themes or reports, who owns it (a team or role), when it is due and where it stands. Every text is redacted; an
 * owner in which redaction finds a person's name is refused, since the owner is never a person.
 */

/** Where an action may go from each status; done and dropped are final. */
export const NEXT: Record<ActionStatus, readonly ActionStatus[]> = {
  proposed: ['agreed', 'dropped'],
  agreed: ['in_progress', 'done', 'dropped'],
  in_progress: ['done', 'dropped'],
  done: [],
  dropped: []
}

const OPEN: readonly ActionStatus[] = ['proposed', 'agreed', 'in_progress']
const day = (date: Date) => date.toISOString().slice(0, 10)

type Row = NonNullable<Awaited<ReturnType<ActionsRepository['find']>>>

export type ActionsServiceDeps = {
  repository: ActionsRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  clock?: () => Date
}

export const createActionsService = ({ repository, taxonomy, clock = () => new Date() }: ActionsServiceDeps) => {
  const today = () => toDateOnly(clock())

  const toAction = (row: Row) => ({
    id: row.id,
    description: row.description,
    owner: row.owner,
    themes: row.themes,
    reportIds: row.reports.map((link) => link.reportId),
    dueOn: day(row.dueOn),
    status: row.status,
    outcome: row.outcome,
    reason: row.reason,
    createdOn: day(row.createdOn),
    updatedOn: day(row.updatedOn),
    doneOn: row.doneOn ? day(row.doneOn) : null,
    overdue: OPEN.includes(row.status) && row.dueOn < today()
  })

  const clean = (text: string) => redact(text).redacted

  const checkThemes = async (themes: readonly string[]) => assertThemes(await taxonomy.current(), themes)

  const checkOwner = (owner: string) => {
    const { redacted, findings } = redact(owner)
    if (findings.some((finding) => finding.type === 'NAME' || finding.type === 'EMAIL' || finding.type === 'PHONE')) {
      throw new AppError('VALIDATION_FAILED', 'owner: name a team or role (such as "Front door team manager"), not a person.')
    }
    return redacted
  }

  return {
    create: async (
      input: { description: string; owner: string; dueOn: string; themes: string[]; reportIds: string[] },
      createdBy: string
    ) => {
      if (input.themes.length === 0 && input.reportIds.length === 0) {
        throw new AppError('VALIDATION_FAILED', 'An action answers at least one theme or report.')
      }
      await checkThemes(input.themes)
      const reportIds = [...new Set(input.reportIds)]
      if ((await repository.countReports(reportIds)) !== reportIds.length) {
        throw new AppError('NOT_FOUND', 'One of the reports does not exist.')
      }
      const row = await repository.create({
        id: randomUUID(),
        description: clean(input.description),
        owner: checkOwner(input.owner),
        themes: [...new Set(input.themes)],
        dueOn: new Date(`${input.dueOn}T00:00:00.000Z`),
        createdBy,
        createdOn: today(),
        reportIds
      })
      return toAction(row)
    },

    update: async (id: string, change: { status: ActionStatus; outcome?: string; reason?: string; dueOn?: string }) => {
      const row = await repository.find(id)
      if (!row) {
        throw new AppError('NOT_FOUND', 'There is no such action.')
      }
      if (change.status !== row.status && !NEXT[row.status].includes(change.status)) {
        throw new AppError('CONFLICT', `An action that is ${row.status} cannot become ${change.status}.`)
      }
      if (change.status === 'done' && !change.outcome?.trim()) {
        throw new AppError('VALIDATION_FAILED', 'outcome: say what changed when an action is done.')
      }
      if (change.status === 'dropped' && !change.reason?.trim()) {
        throw new AppError('VALIDATION_FAILED', 'reason: say why an action is dropped.')
      }
      if (change.status === row.status && !OPEN.includes(row.status)) {
        throw new AppError('CONFLICT', `This action is ${row.status}: it is final.`)
      }
      const updated = await repository.update(id, row.status, {
        status: change.status,
        ...(change.status === 'done' ? { outcome: clean(change.outcome ?? ''), doneOn: today() } : {}),
        ...(change.status === 'dropped' ? { reason: clean(change.reason ?? '') } : {}),
        ...(change.dueOn ? { dueOn: new Date(`${change.dueOn}T00:00:00.000Z`) } : {}),
        updatedOn: today()
      })
      if (updated.count !== 1) {
        throw new AppError('CONFLICT', 'This action was changed by someone else meanwhile; reload it and try again.')
      }
      return toAction((await repository.find(id)) as Row)
    },

    list: async ({ overdue }: { overdue?: boolean }) => ({
      actions: (await repository.list(overdue ? { overdueOn: today() } : {})).map(toAction)
    })
  }
}

export type ActionsService = ReturnType<typeof createActionsService>
