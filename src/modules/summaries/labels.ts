import type { TaxonomyService } from '../taxonomy/taxonomy.service.js'

/**
 * The words beside the codes of a published summary (issue 14.4: `TC.HO` and `near_miss` mean nothing to a regional
 * group's analyst). The intake's categories are labelled as the reporting form words them, shortened; the taxonomy's
 * domains and groups by the taxonomy version the summary was coded against (versions never change once published),
 * so every pull of a quarter still gives the same bytes.
 */
const INTAKE_LABELS: Record<string, string> = {
  // event_class
  near_miss: 'Near miss',
  incident: 'Incident',
  unsafe_condition: 'Unsafe condition',
  good_catch: 'Good catch',
  // detection
  self: 'Noticed by the reporter',
  colleague: 'Noticed by a colleague',
  supervisor: 'Noticed by a manager or supervisor',
  other_agency: 'Noticed by another agency',
  family: 'Noticed by the family or child',
  system_check: 'Caught by a system check or process',
  chance: 'Caught by chance',
  not_caught: 'Not caught',
  // setting
  front_door: 'Front door, MASH or referrals',
  assessment: 'Assessment',
  child_in_need: 'Child in need',
  child_protection: 'Child protection',
  children_in_care: 'Children in care',
  leaving_care: 'Leaving care',
  out_of_hours: 'Out of hours or emergency duty',
  court: 'Court work',
  other: 'Somewhere else',
  // every table's last column
  total: 'Total'
}

export type Labels = ReadonlyMap<string, string>

/** Every code a summary coded against `taxonomyVersion` may show, with its label. */
export const labelsFor = async (taxonomy: Pick<TaxonomyService, 'get'>, taxonomyVersion: number): Promise<Labels> => {
  const labels = new Map(Object.entries(INTAKE_LABELS))
  const version = await taxonomy.get(taxonomyVersion)
  for (const domain of version?.document.domains ?? []) {
    labels.set(domain.code, domain.label)
    for (const group of domain.groups) labels.set(group.code, group.label)
  }
  return labels
}

/** A code's label; the code itself where none is known (never an empty cell a reader would take for missing data). */
export const labelOf = (labels: Labels, code: string): string => labels.get(code) ?? code
