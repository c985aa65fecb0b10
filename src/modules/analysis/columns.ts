import type { Dimension } from './trends.schemas.js'

/** The analysis tables' column (and rollup dim) for each dimension of the API. */
export const COLUMN: Record<Dimension, string> = {
  region: 'region',
  setting: 'setting',
  eventClass: 'event_class',
  detection: 'detection',
  reach: 'reach',
  eventType: 'event_type'
}
