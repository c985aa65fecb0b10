/** A valid body for POST /api/v1/reports/{id}/codings, with overrides. */
export const coding = (overrides: Record<string, unknown> = {}) => ({
  codes: [
    { code: 'TC.HO.02', role: 'contributing' },
    { code: 'PA.SL.01', role: 'contributing' },
    { code: 'TC.IS.01', role: 'mitigating' }
  ],
  facets: {
    eventType: 'information_misdirected',
    reachAndHarm: 'near_miss',
    detection: 'colleague',
    setting: 'child_protection',
    handover: true
  },
  summary: 'Duty handover gap meant the minutes went to the wrong address; a colleague caught it.',
  ...overrides
})
