import type { ActionStatus, PrismaClient } from '../../generated/prisma/client.js'

export type NewAction = {
  id: string
  description: string
  owner: string
  themes: string[]
  dueOn: Date
  createdBy: string
  createdOn: Date
  reportIds: string[]
}

const FIELDS = {
  id: true,
  description: true,
  owner: true,
  themes: true,
  dueOn: true,
  status: true,
  outcome: true,
  reason: true,
  createdOn: true,
  updatedOn: true,
  doneOn: true,
  reports: { select: { reportId: true }, orderBy: { reportId: 'asc' } }
} as const

export const createActionsRepository = (prisma: PrismaClient) => ({
  create: ({ reportIds, ...action }: NewAction) =>
    prisma.action.create({
      data: {
        ...action,
        updatedOn: action.createdOn,
        reports: { create: reportIds.map((reportId) => ({ reportId })) }
      },
      select: FIELDS
    }),

  countReports: (ids: string[]) => prisma.report.count({ where: { id: { in: ids } } }),

  find: (id: string) => prisma.action.findUnique({ where: { id }, select: FIELDS }),

  /** Moves an action on only from the status it was read in, so two leads changing it at once cannot both win. */
  update: (
    id: string,
    from: ActionStatus,
    data: { status: ActionStatus; outcome?: string; reason?: string; dueOn?: Date; updatedOn: Date; doneOn?: Date }
  ) => prisma.action.updateMany({ where: { id, status: from }, data }),

  list: (where: { overdueOn?: Date }) =>
    prisma.action.findMany({
      where: where.overdueOn
        ? { dueOn: { lt: where.overdueOn }, status: { in: ['proposed', 'agreed', 'in_progress'] } }
        : {},
      orderBy: [{ dueOn: 'asc' }, { id: 'asc' }],
      take: 500,
      select: FIELDS
    })
})

export type ActionsRepository = ReturnType<typeof createActionsRepository>
