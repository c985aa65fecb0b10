/**
 * Live-risk diversion (mission anchors §2e): this service is for learning, not for a child at risk now. When a
 * narrative reads like a present danger, the form stops and points to the statutory referral, LADO and
 * whistleblowing routes before anything is sent. Deliberately sensitive: a false alarm costs a reporter one
 * extra paragraph to read; a miss could leave a live concern sitting in a learning queue.
 */
const LIVE_RISK_PATTERNS: readonly RegExp[] = [
  /\b(?:is|are|still|currently)\s+(?:at\s+)?(?:immediate\s+|serious\s+|significant\s+)?risk\b/i,
  /\b(?:at|in)\s+(?:immediate|imminent)\s+(?:risk|danger)\b/i,
  /\bin\s+danger\b/i,
  /\b(?:right\s+now|tonight|at\s+the\s+moment|as\s+we\s+speak|today)\b[^.!?]{0,80}\b(?:unsafe|danger|risk|hurt|harm|abus|hit|beat|attack)/i,
  /\b(?:unsafe|danger|risk|hurt|harm|abus|hit|beat|attack)\w*\b[^.!?]{0,80}\b(?:right\s+now|tonight|at\s+the\s+moment|as\s+we\s+speak)\b/i,
  /\b(?:is|are)\s+(?:still\s+)?being\s+(?:hurt|harmed|abused|hit|beaten|assaulted|neglected|exploited|groomed)\b/i,
  /\bstill\s+(?:living|lives|staying|stays|alone)\s+with\s+(?:him|her|them|the\s+(?:abuser|perpetrator|offender))\b/i,
  /\b(?:has|have)n['’]?t\s+been\s+seen\s+(?:since|for)\b/i,
  /\b(?:is|are)\s+(?:still\s+)?missing\b/i,
  /\b(?:scared|afraid|frightened)\s+to\s+go\s+home\b/i,
  /\bnobody\s+(?:has|have)\s+(?:done|acted|referred|reported)\b/i,
  /\bno\s+(?:referral|one)\s+(?:has\s+been|was)\s+(?:made|told)\b/i
]

export const suggestsLiveRisk = (text: string): boolean => LIVE_RISK_PATTERNS.some((pattern) => pattern.test(text))
