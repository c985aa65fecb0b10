import type { PrismaClient } from '../../generated/prisma/client.js'
import { AppError } from '../../lib/errors.js'
import { parsePeriod } from '../../lib/periods.js'
import type { TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { labelsFor } from './labels.js'
import { csvDocument, csvLines, labelledSummary, type ServedCut } from './served.js'
import { type TSummary, ZSummary } from './summaries.schemas.js'

/** The longest series one pull may take: five years of quarters (a bounded response, whatever the range asked). */
export const MAX_SERIES_QUARTERS = 20

export type Format = 'json' | 'csv'
type Stored = { quarter: string; json: string; csv: string }

/**
 * Reading published summaries, one quarter or a series (issue 14.4), for an API key's own regions only. The
 * stored snapshots are the truth; labels and CSV cuts are added as they are served (src/modules/summaries/served.ts).
 */
export const createReadingService = (prisma: PrismaClient, taxonomy: Pick<TaxonomyService, 'get'>) => {
  const covered = (keyRegions: readonly string[], region: string) => {
    if (!keyRegions.includes(region)) throw new AppError('FORBIDDEN', 'This key does not cover that region.')
  }

  const serve = async (stored: Stored[], format: Format, cut?: ServedCut) => {
    const parsed = stored.map((row) => ({ json: ZSummary.parse(JSON.parse(row.json)) as TSummary, csv: row.csv }))
    const labelled = await Promise.all(
      parsed.map(async (row) => ({ ...row, labels: await labelsFor(taxonomy, row.json.taxonomyVersion) }))
    )
    if (format === 'csv') return csvDocument(cut, labelled.flatMap((row) => csvLines(row, row.labels, cut)))
    return labelled.map((row) => labelledSummary(row.json, row.labels))
  }

  return {
    /** One published quarter: labelled JSON, or CSV of every count table or of one cut. */
    one: async (
      keyRegions: readonly string[],
      query: { quarter: string; region: string; cut?: ServedCut },
      format: Format
    ) => {
      covered(keyRegions, query.region)
      const found = await prisma.publication.findUnique({
        where: { quarter_region: { quarter: query.quarter, region: query.region } },
        select: { quarter: true, json: true, csv: true }
      })
      if (!found) throw new AppError('NOT_FOUND', `${query.quarter} is not published for ${query.region}.`)
      const served = await serve([found], format, query.cut)
      return typeof served === 'string' ? served : JSON.stringify(served[0])
    },

    /**
     * The published quarters from `from` to `to` (both included, at most MAX_SERIES_QUARTERS), oldest first; a
     * quarter not published is simply absent (`quarters` says which are there).
     */
    series: async (
      keyRegions: readonly string[],
      query: { region: string; from: string; to: string; cut?: ServedCut },
      format: Format
    ) => {
      const [first] = parsePeriod(query.from) ?? [0]
      const [last] = parsePeriod(query.to) ?? [0]
      if (last < first) throw new AppError('VALIDATION_FAILED', `to: ${query.to} comes before from (${query.from}).`)
      if ((last - first) / 3 + 1 > MAX_SERIES_QUARTERS) {
        throw new AppError(
          'VALIDATION_FAILED',
          `to: a series spans at most ${MAX_SERIES_QUARTERS} quarters (${query.from} to ${query.to} is ${(last - first) / 3 + 1}); pull it in parts.`
        )
      }
      covered(keyRegions, query.region)
      const rows = await prisma.publication.findMany({
        where: { region: query.region, quarter: { gte: query.from, lte: query.to } },
        select: { quarter: true, json: true, csv: true },
        orderBy: { quarter: 'asc' }
      })
      const served = await serve(rows, format, query.cut)
      if (typeof served === 'string') return served
      return JSON.stringify({
        region: query.region,
        from: query.from,
        to: query.to,
        quarters: rows.map((row) => row.quarter),
        summaries: served
      })
    }
  }
}

export type ReadingService = ReturnType<typeof createReadingService>
