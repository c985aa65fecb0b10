import { AppError } from '../../lib/errors.js'
import { monthStart } from '../../lib/dates.js'
import { kappaFromPairs, kappaFromTable, pooledKappa, type TwoByTwo } from '../../lib/stats/kappa.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import type { CodingRow, CodingsRepository } from '../codings/codings.repository.js'
import type { TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { KAPPA_METHOD, type TAgreementQuery, type TAgreementResponse } from './analysis.schemas.js'

export type AnalysisServiceDeps = {
  codings: Pick<CodingsRepository, 'forAgreement'>
  taxonomy: Pick<TaxonomyService, 'current' | 'get'>
  audit: AuditRepository
  clock?: () => Date
}

const nextMonth = (month: string) => {
  const start = monthStart(month)
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
}

const FACETS = ['eventType', 'reachAndHarm', 'detection', 'setting', 'handover'] as const

/** Coded fields only, never narratives; every read is audited like a narrative read. */
export const createAnalysisService = ({ codings, taxonomy, audit, clock = () => new Date() }: AnalysisServiceDeps) => ({
  agreement: async (session: RequestSession, query: TAgreementQuery): Promise<TAgreementResponse> => {
    if (query.from && query.to && query.from > query.to) {
      throw new AppError('VALIDATION_FAILED', 'from: must not be after to.')
    }
    const version = query.taxonomyVersion ?? (await taxonomy.current()).version
    if (!(await taxonomy.get(version))) {
      throw new AppError('NOT_FOUND', `There is no taxonomy version ${version}.`)
    }
    const rows = await codings.forAgreement(version, {
      gte: query.from ? monthStart(query.from) : undefined,
      lt: query.to ? nextMonth(query.to) : undefined
    })
    await audit.record({ actorId: session.userId, action: 'analysis.agreement', detail: { ...query } }, clock())

    const byReport = new Map<string, CodingRow[]>()
    for (const row of rows) {
      byReport.set(row.reportId, [...(byReport.get(row.reportId) ?? []), row])
    }
    const pairs = [...byReport.values()].flatMap(([first, second]) =>
      first && second ? [[first, second] as const] : []
    )
    const codesOf = (coding: CodingRow) => new Set(coding.codes.map((c) => c.code))
    const codeSets = pairs.map(([a, b]) => [codesOf(a), codesOf(b)] as const)
    const used = [...new Set(codeSets.flatMap(([a, b]) => [...a, ...b]))].sort()

    const tables = new Map<string, TwoByTwo>()
    for (const code of used) {
      const table = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 }
      for (const [a, b] of codeSets) {
        const cell = a.has(code) ? (b.has(code) ? 'both' : 'firstOnly') : b.has(code) ? 'secondOnly' : 'neither'
        table[cell]++
      }
      tables.set(code, table)
    }
    // Pooled kappa (de Vries et al. 2008): the mean observed and mean chance agreement over the codes, so codes
    // of very different prevalence do not pass for agreement as they would if their tables were simply added.
    const perCode = [...tables.values()].map(kappaFromTable)
    const overall = pooledKappa(perCode)

    return {
      method: KAPPA_METHOD,
      taxonomyVersion: version,
      codedReports: byReport.size,
      doubleCodedReports: pairs.length,
      doubleCodedShare: byReport.size === 0 ? 0 : pairs.length / byReport.size,
      overall: {
        kappa: overall.kappa,
        observedAgreement: overall.observedAgreement,
        expectedAgreement: overall.expectedAgreement,
        decisions: perCode.reduce((sum, code) => sum + code.n, 0)
      },
      codes: used.map((code) => {
        const table = tables.get(code) as TwoByTwo
        const { kappa, observedAgreement, expectedAgreement } = kappaFromTable(table)
        return { code, kappa, observedAgreement, expectedAgreement, ...table }
      }),
      facets: FACETS.map((facet) => {
        const { kappa, observedAgreement, expectedAgreement, n } = kappaFromPairs(
          pairs.map(([a, b]) => [a[facet], b[facet]] as const)
        )
        return { facet, kappa, observedAgreement, expectedAgreement, n }
      })
    }
  }
})

export type AnalysisService = ReturnType<typeof createAnalysisService>
