import type { FastifyInstance } from 'fastify'
import type { SignedIn } from './users.js'

/**
 * Approves the learning points of these reports for publication as regional groups need (issue 18.1): the reviewer
 * closes each report (so that leads who have not coded it may read its point), and each lead approves it.
 */
export const approvePoints = async (
  app: FastifyInstance,
  reportIds: readonly string[],
  { closer, leads, flagsReviewed = false }: { closer: SignedIn; leads: readonly SignedIn[]; flagsReviewed?: boolean }
) => {
  for (const id of reportIds) {
    const closed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${id}`,
      headers: closer.headers,
      payload: { status: 'closed' }
    })
    if (closed.statusCode !== 200) throw new Error(`closing ${id}: ${closed.statusCode} ${closed.body}`)
  }
  const codings = await app.db.prisma.coding.findMany({
    where: { reportId: { in: [...reportIds] }, hasPoint: true },
    select: { id: true }
  })
  const answers = []
  for (const lead of leads) {
    for (const { id } of codings) {
      answers.push(await app.inject({
        method: 'POST',
        url: `/api/v1/learning-points/${id}/approvals`,
        headers: lead.headers,
        payload: { flagsReviewed }
      }))
    }
  }
  return answers
}
