import { AppError } from '../../lib/errors.js'
import type { TaxonomyRepository } from './taxonomy.repository.js'
import { type TTaxonomyDocument, ZTaxonomyDocument } from './taxonomy.schemas.js'

export type Taxonomy = {
  version: number
  document: TTaxonomyDocument
  publishedOn: Date
  /** Leaf code → its group and domain. */
  leaves: Map<string, { group: string; domain: string }>
  /** Facet key → its allowed values. */
  facets: Map<string, Set<string>>
}

/** Refuses (400, naming the field) a theme that is no leaf, group or domain code of this taxonomy version. */
export const assertThemes = (taxonomy: Taxonomy, themes: readonly string[]) => {
  const known = new Set<string>()
  for (const [leaf, { group, domain }] of taxonomy.leaves) {
    known.add(leaf).add(group).add(domain)
  }
  const unknown = themes.find((code) => !known.has(code))
  if (unknown) {
    throw new AppError('VALIDATION_FAILED', `themes: ${unknown} is not a code of the current taxonomy.`)
  }
}

/**
 * The taxonomy versions, read once and kept: a version never changes after its migration, so there is nothing to
 * invalidate (a new version arrives with a new migration, and so a restart).
 */
export const createTaxonomyService = (repository: TaxonomyRepository) => {
  const cache = new Map<number, Promise<Taxonomy | null>>()

  const load = async (version: number): Promise<Taxonomy | null> => {
    const row = await repository.find(version)
    if (!row) {
      return null
    }
    const document = ZTaxonomyDocument.parse(row.document)
    const leaves = new Map<string, { group: string; domain: string }>()
    for (const domain of document.domains) {
      for (const group of domain.groups) {
        for (const leaf of group.leaves) {
          leaves.set(leaf.code, { group: group.code, domain: domain.code })
        }
      }
    }
    const facets = new Map(document.facets.map((facet) => [facet.key, new Set(facet.values.map((v) => v.key))]))
    return { version, document, publishedOn: row.publishedOn, leaves, facets }
  }

  const get = async (version: number) => {
    let entry = cache.get(version)
    if (!entry) {
      entry = load(version)
      cache.set(version, entry)
      entry.catch(() => cache.delete(version))
    }
    const taxonomy = await entry
    if (!taxonomy) {
      cache.delete(version)
    }
    return taxonomy
  }

  const current = async (): Promise<Taxonomy> => {
    const version = await repository.latestVersion()
    const taxonomy = version === null ? null : await get(version)
    if (!taxonomy) {
      throw new AppError('SERVICE_UNAVAILABLE', 'No taxonomy is installed: run the database migrations.')
    }
    return taxonomy
  }

  return {
    current,
    get,

    describe: async (requested?: number) => {
      const latest = await current()
      const taxonomy = requested === undefined ? latest : await get(requested)
      if (!taxonomy) {
        throw new AppError('NOT_FOUND', `There is no taxonomy version ${requested}.`)
      }
      return {
        ...taxonomy.document,
        facets: taxonomy.document.facets.map(asCodingNamesIt),
        publishedOn: taxonomy.publishedOn.toISOString().slice(0, 10),
        isCurrent: taxonomy.version === latest.version,
        mappings: await repository.mappingsInto(taxonomy.version)
      }
    }
  }
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())

/**
 * Issue 14.5, one vocabulary: the stored document names facets in snake_case with yes/no, a coding in camelCase
 * with booleans; the API shows the coding's words, so a client can fill a coding from the taxonomy as it reads.
 */
const asCodingNamesIt = (facet: TTaxonomyDocument['facets'][number]) => ({
  ...facet,
  key: camelCase(facet.key),
  values: facet.values.map((value) => ({
    ...value,
    key: value.key === 'yes' ? true : value.key === 'no' ? false : value.key
  }))
})
