import { randomUUID } from 'node:crypto'
import { AppError } from '../../lib/errors.js'
import { redact } from '../../lib/redaction/index.js'
import type { TeamKeyPair } from '../../lib/crypto/sealing.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { withTeamKey } from '../auth/session-keys.js'
import type { Taxonomy, TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { openCoding, sealCoding } from './coding-seal.js'
import type { CodingRow, CodingsRepository } from './codings.repository.js'
import type { TCoding, TCodingBody } from './codings.schemas.js'

export type CodingsServiceDeps = {
  repository: CodingsRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  audit: AuditRepository
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
}

/** Body facet names and the taxonomy facet keys they are checked against. */
const FACET_KEYS = {
  eventType: 'event_type',
  reachAndHarm: 'reach_and_harm',
  detection: 'detection',
  setting: 'setting'
} as const

type Texts = { summary: string; learningPoint: string }

export const toCoding = (row: Omit<CodingRow, 'summarySealed' | 'learningPointSealed' | 'sealedKey'>, texts: Texts,
  viewerId: string): TCoding => ({
  id: row.id,
  coderId: row.coderId,
  isMine: row.coderId === viewerId,
  taxonomyVersion: row.taxonomyVersion,
  codes: row.codes.map(({ code, role }) => ({ code, role })),
  facets: {
    eventType: row.eventType,
    reachAndHarm: row.reachAndHarm,
    detection: row.detection,
    setting: row.setting,
    handover: row.handover
  },
  summary: texts.summary,
  learningPoint: texts.learningPoint,
  codedOn: row.codedAt.toISOString().slice(0, 10)
})

const invalid = (message: string) => new AppError('VALIDATION_FAILED', message)

/** Every code a leaf of the version, none twice, every facet one of its values: else 400 naming the field. */
const checkAgainst = (taxonomy: Taxonomy, body: TCodingBody) => {
  const seen = new Set<string>()
  body.codes.forEach(({ code }, index) => {
    if (!taxonomy.leaves.has(code)) {
      throw invalid(`codes.${index}.code: "${code}" is not a leaf code of CPHF v${taxonomy.version}.`)
    }
    if (seen.has(code)) {
      throw invalid(`codes.${index}.code: "${code}" is given twice.`)
    }
    seen.add(code)
  })
  for (const [field, key] of Object.entries(FACET_KEYS) as [keyof typeof FACET_KEYS, string][]) {
    const value = body.facets[field]
    if (!taxonomy.facets.get(key)?.has(value)) {
      throw invalid(`facets.${field}: "${value}" is not a value of the facet ${key}.`)
    }
  }
}

/**
 * A coding's texts for a reviewer whose session holds the team key. A coding from before sealing that the start-up
 * step has not sealed yet (coding-legacy.ts) is read as it still stands.
 */
const textsOf = (sodium: Parameters<typeof openCoding>[0], row: CodingRow, keyPair: TeamKeyPair): Texts => {
  if (row.unsealedSummary !== null || row.unsealedLearningPoint !== null) {
    return { summary: row.unsealedSummary ?? '', learningPoint: row.unsealedLearningPoint ?? '' }
  }
  try {
    return openCoding(sodium, row, keyPair)
  } catch (error) {
    throw new AppError('CONFLICT', 'A coding of this report is sealed to another team key: run `admin reseal`, or ' +
      'sign in again.', { cause: error })
  }
}

/**
 * Coding (DESIGN "Coding and analysis"): leaf codes marked contributing or mitigating, the five facets and a
 * de-identified summary. Each reviewer codes a report independently — a reviewer sees the others' codings only
 * once they have made their own, so double coding measures agreement rather than copying.
 */
export const createCodingsService = (deps: CodingsServiceDeps) => {
  const { repository, taxonomy, audit, keys, clock = () => new Date() } = deps
  return {
    code: async (session: RequestSession, reportId: string, body: TCodingBody) => {
      const current = await taxonomy.current()
      if (body.taxonomyVersion !== undefined && body.taxonomyVersion !== current.version) {
        throw new AppError('CONFLICT', `Codings use the current taxonomy, version ${current.version}.`)
      }
      checkAgainst(current, body)
      const { redacted, findings } = redact(body.summary)
      const learning = redact(body.learningPoint)
      const now = clock()
      const crypto = keys.get()
      const id = randomUUID()
      // Sealed to the team key before it is stored: the server keeps no readable copy (issue 17.5).
      const texts = { summary: redacted, learningPoint: learning.redacted }
      const sealed = sealCoding(crypto.sodium, texts, {
        codingId: id,
        keyVersion: crypto.teamKey.version,
        publicKey: crypto.teamKey.publicKey
      })
      const row = {
        id,
        reportId,
        coderId: session.userId,
        taxonomyVersion: current.version,
        eventType: body.facets.eventType,
        reachAndHarm: body.facets.reachAndHarm,
        detection: body.facets.detection,
        setting: body.facets.setting,
        handover: body.facets.handover,
        ...sealed,
        hasPoint: learning.redacted !== '',
        codedAt: now,
        codes: [...body.codes].sort((a, b) => a.code.localeCompare(b.code))
      }
      const saved = await repository.save(row, (tx) =>
        audit.record({ actorId: session.userId, action: 'report.coded', reportId }, now, tx)
      )
      if (saved.outcome === 'missing') {
        throw new AppError('NOT_FOUND', 'There is no such report.')
      }
      if (saved.outcome === 'refused') {
        const why =
          saved.status === 'withdrawn'
            ? 'it cannot be coded'
            : saved.status === 'merged'
              ? 'code the report it was merged into'
              : 'reopen it first'
        throw new AppError('CONFLICT', `This report is ${saved.status}: ${why}.`)
      }
      if (saved.outcome === 'frozen') {
        throw new AppError(
          'CONFLICT',
          'Another reviewer has coded this report since you did: your first coding stands, so agreement stays honest.'
        )
      }
      return {
        replaced: saved.outcome === 'replaced',
        coding: toCoding({ ...row, unsealedSummary: null, unsealedLearningPoint: null }, texts, session.userId),
        findings,
        learningPointFindings: learning.findings
      }
    },

    /**
     * The codings a user may see on a report: their own, and the others' once theirs exists — leads included,
     * since leads code too and must code blind. A report nobody may code any more (closed, merged, withdrawn)
     * shows them all. The texts are opened with the team key the session holds, as the narrative is.
     */
    visibleTo: async (session: RequestSession, reportId: string, status: string): Promise<TCoding[]> => {
      const rows = await repository.forReport(reportId)
      const hasOwn = rows.some((row) => row.coderId === session.userId)
      const isSettled = status === 'closed' || status === 'merged' || status === 'withdrawn'
      if (!(hasOwn || isSettled) || rows.length === 0) return []
      const crypto = keys.get()
      return withTeamKey(crypto, session, (keyPair) =>
        rows.map((row) => toCoding(row, textsOf(crypto.sodium, row, keyPair), session.userId)))
    }
  }
}

export type CodingsService = ReturnType<typeof createCodingsService>
