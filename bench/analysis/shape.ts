// The shape of the synthetic national data set that bench/analysis/seed.ts generates and bench/analysis/run.ts
// questions: five years of event months ending last month, seasonal volume with slow growth, regions weighted by
// population, skewed settings, classes, detection and reach, Zipf-like codes, and three themes rising in the last
// two quarters. Weights are relative; nothing here is real data.
import { monthIndexOfDate, quarterStart } from '../../src/lib/periods.js'

export type Weighted = readonly (readonly [string, number])[]

/** Five years of months, the last one being the month before `now` (month indexes as src/lib/periods.ts). */
export const MONTHS = 60
export const lastMonthOf = (now: Date) => monthIndexOfDate(now) - 1
export const firstMonthOf = (now: Date) => lastMonthOf(now) - MONTHS + 1

/** Reports per month: ±20% seasonality (high in late winter, low in August) and +50% growth over the five years. */
export const monthWeight = (month: number, first: number) => {
  const calendar = month % 12 // 0 = January
  return (1 + 0.2 * Math.cos((2 * Math.PI * (calendar - 1)) / 12)) * (1 + (0.5 * (month - first)) / (MONTHS - 1))
}

/** England's regions by population (millions, ONS mid-2022, rounded). */
export const REGIONS: Weighted = [
  ['north-east', 2.7],
  ['north-west', 7.5],
  ['yorkshire-humber', 5.5],
  ['east-midlands', 4.9],
  ['west-midlands', 6.0],
  ['east', 6.4],
  ['london', 8.9],
  ['south-east', 9.4],
  ['south-west', 5.8]
]

export const SETTINGS: Weighted = [
  ['front_door', 20],
  ['assessment', 18],
  ['child_in_need', 15],
  ['child_protection', 20],
  ['children_in_care', 12],
  ['leaving_care', 5],
  ['out_of_hours', 4],
  ['court', 4],
  ['other', 2]
]

export const EVENT_CLASSES: Weighted = [
  ['near_miss', 55],
  ['unsafe_condition', 20],
  ['good_catch', 15],
  ['incident', 10]
]

export const DETECTIONS: Weighted = [
  ['self', 30],
  ['colleague', 20],
  ['supervisor', 12],
  ['other_agency', 10],
  ['system_check', 10],
  ['chance', 8],
  ['family', 5],
  ['not_caught', 5]
]

/** Reach and harm of an incident (the other classes have one reach each: see seed.ts). */
export const INCIDENT_REACH: Weighted = [
  ['reached_no_harm', 55],
  ['reached_harm_psychological', 20],
  ['reached_harm_delayed_protection', 18],
  ['reached_harm_physical', 7]
]

export const EVENT_TYPES: Weighted = [
  ['referral_not_progressed', 16],
  ['plan_action_not_completed', 16],
  ['visit_missed_or_late', 15],
  ['information_misdirected', 14],
  ['child_not_seen', 10],
  ['safety_plan_not_updated', 9],
  ['placement_or_contact_error', 8],
  ['other', 7],
  ['legal_step_missed', 5]
]

/** Leaf codes by popularity, most reported first: weight 1 / rank^0.9. */
export const LEAVES_BY_RANK = [
  'TC.IS.01', 'PA.SL.03', 'TC.HO.01', 'SU.PL.01', 'PC.CG.03', 'PA.SL.01', 'FP.CV.01', 'TE.IT.01', 'PA.MK.02',
  'TC.CO.01', 'PA.SL.04', 'FP.EN.03', 'PA.SL.02', 'OR.RE.01', 'TC.IS.02', 'PA.MR.02', 'SU.IN.01', 'PC.CG.02',
  'TC.HO.02', 'FP.EN.01', 'PA.MK.01', 'TC.CO.03', 'PC.PH.02', 'TE.IT.03', 'FP.CX.02', 'PA.DV.01', 'PC.CO.01',
  'TE.IT.02', 'SU.KP.01', 'PC.PH.01', 'OR.CL.02', 'TC.HO.03', 'FP.CX.01', 'PA.MR.01', 'PC.CG.01', 'OR.RE.02',
  'TE.PR.01', 'FP.CX.03', 'PC.CO.02', 'PC.CO.03', 'SU.IN.02', 'TC.IS.03', 'PA.DV.02', 'SU.PL.02', 'FP.EN.02',
  'PC.CG.04', 'TC.CO.02', 'PA.MK.03', 'FP.CV.02', 'SU.DE.01', 'OR.PR.01', 'TE.PE.01', 'PA.MR.03', 'TE.PR.02',
  'OR.CL.01', 'TE.PE.02', 'OR.PR.02', 'PA.DV.03'
] as const
export const ZIPF_EXPONENT = 0.9

/**
 * Themes rising in the last two quarters: weight × `previous` in the quarter before the last complete one, × `last`
 * from the last complete quarter on (a new case-recording system going live, and agency staff covering vacancies).
 */
export const RISING: readonly { code: string; previous: number; last: number }[] = [
  { code: 'TE.IT.02', previous: 1.8, last: 3.0 },
  { code: 'OR.RE.01', previous: 1.3, last: 1.8 },
  { code: 'PC.CO.03', previous: 1.5, last: 2.5 }
]

/** Multiplier of a leaf's weight in a month, given the last month of data. */
export const risingFactor = (code: string, month: number, last: number) => {
  const theme = RISING.find((entry) => entry.code === code)
  if (!theme) return 1
  // The last complete quarter is the one before the quarter of the month after the data ends.
  const lastComplete = quarterStart(last + 1) - 3
  if (month >= lastComplete) return theme.last
  if (month >= lastComplete - 3) return theme.previous
  return 1
}

/** Leaf codes per coding of record: 1 to 4. */
export const CODES_PER_CODING: readonly (readonly [number, number])[] = [
  [1, 35],
  [2, 35],
  [3, 20],
  [4, 10]
]

export const SHARES = {
  /** Reports with a second, independent coding (for agreement). */
  secondCoding: 0.2,
  /** A second coder adds a code the first did not give. */
  secondCoderAddsCode: 0.4,
  /** A further code is a sibling (same group) of the first: what makes co-occurrence non-trivial. */
  sibling: 0.35,
  mitigating: 0.15,
  handover: 0.25,
  consent: 0.6
}

export const CODERS = 40
