/**
 * Phrases in a learning point that could single out the family it came from although redaction took every name
 * out (issue 18.1): "Only court case this quarter: … the twins …" names no one, yet anyone in the region knows who.
 * The check does not decide: it flags, and the two approvers of a flagged point must say they have read the flags
 * (a flagged point is held until then). Pure, no framework.
 */

export type QuasiIdentifierKind = 'uniqueness' | 'kinship' | 'rare_setting'
export type QuasiIdentifierFlag = { kind: QuasiIdentifierKind; phrase: string }

const PERIOD =
  String.raw`(?:this|that|last|the)\s+(?:week|month|quarter|term|year|summer|winter|spring|autumn|weekend|christmas)` +
  String.raw`|(?:in|during|since)\s+(?:january|february|march|april|may|june|july|august|september|october|november` +
  String.raw`|december|q[1-4]|(?:19|20)\d{2})|ever|in\s+years|for\s+years|so\s+far|to\s+date|on\s+record`

/**
 * A uniqueness word and a period within one sentence, either order ("the only …  this quarter", "first time in
 * years …", "this year's one …"): the pair that turns an event into the event.
 */
const UNIQUENESS = new RegExp(
  String.raw`\b(?:only|first|sole|single|last|the\s+one|unique|unprecedented)\b[^.!?;:]{0,80}?\b(?:${PERIOD})\b` +
    String.raw`|\b(?:${PERIOD})\b[^.!?;:]{0,80}?\b(?:only|first|sole|the\s+one)\b`,
  'giu'
)

/** Multiples and kin beyond the parents every point mentions: rare enough in a caseload to point at one family. */
const KINSHIP = new RegExp(
  String.raw`\b(?:twins?|triplets?|quadruplets?|quads|quintuplets?|conjoined|sibling\s+group|(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:siblings|brothers|sisters|children)` +
    String.raw`|(?:great[-\s])?grand(?:mother|father|parents?|ma|pa|son|daughter|child(?:ren)?)|aunt(?:ie)?|uncle|cousins?` +
    String.raw`|step-?(?:mother|father|brother|sister|son|daughter|parent)|half-?(?:brother|sister|sibling)s?)\b`,
  'giu'
)

/** Settings so few in a region that naming one narrows a report to a handful of children. */
const RARE_SETTING = new RegExp(
  String.raw`\b(?:secure\s+(?:children['’]?s\s+home|unit|training\s+centre|hospital)|young\s+offender(?:s['’]?)?\s+institution|yoi` +
    String.raw`|hospice|mother\s+and\s+baby\s+(?:unit|placement)|(?:women['’]?s\s+)?refuge|boarding\s+school` +
    String.raw`|(?:residential\s+)?special\s+school|pupil\s+referral\s+unit|prison|military\s+base|barracks` +
    String.raw`|traveller\s+site|asylum\s+hotel|family\s+(?:drug\s+and\s+alcohol\s+)?court|tier\s+4|psychiatric\s+(?:unit|ward)` +
    String.raw`|gender\s+(?:identity\s+)?clinic|forced\s+marriage\s+unit)\b`,
  'giu'
)

const RULES: [QuasiIdentifierKind, RegExp][] = [
  ['uniqueness', UNIQUENESS],
  ['kinship', KINSHIP],
  ['rare_setting', RARE_SETTING]
]

/** The quasi-identifying phrases in `text`, in order of kind then place, each once. */
export const quasiIdentifiers = (text: string): QuasiIdentifierFlag[] => {
  const flags: QuasiIdentifierFlag[] = []
  const seen = new Set<string>()
  for (const [kind, rule] of RULES) {
    for (const match of text.matchAll(rule)) {
      const phrase = match[0].replace(/\s+/g, ' ').trim()
      const key = `${kind}:${phrase.toLowerCase()}`
      if (seen.has(key)) continue
      seen.add(key)
      flags.push({ kind, phrase })
    }
  }
  return flags
}
