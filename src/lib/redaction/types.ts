/** What the pipeline finds, and the placeholder each becomes in the text reviewers see. */
export const IDENTIFIER_TYPES = [
  'NAME',
  'EMAIL',
  'PHONE',
  'URL',
  'HANDLE',
  'POSTCODE',
  'ADDRESS',
  'PLACE',
  'ORG',
  'NHS_NUMBER',
  'NI_NUMBER',
  'DATE_OF_BIRTH',
  'DATE',
  'AGE',
  'CASE_REF'
] as const

export type IdentifierType = (typeof IDENTIFIER_TYPES)[number]

/** A span of the original text, [start, end) in UTF-16 code units, and what it is. */
export type Finding = { type: IdentifierType; start: number; end: number }

/** A recogniser's proposal; `priority` settles overlaps (higher wins, then longer). */
export type Candidate = Finding & { priority: number }

export type RedactionResult = { redacted: string; findings: Finding[] }

export const placeholder = (type: IdentifierType) => `[${type}]`
