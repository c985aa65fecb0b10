/**
 * How alike two reports' codes are: the Jaccard index of their sets of leaf codes (shared codes over all codes of
 * either), or null when either has no codes to compare. Roles are ignored: a duplicate told by another reporter may
 * weigh the same factor differently.
 */
export const codeSimilarity = (a: Iterable<string>, b: Iterable<string>): number | null => {
  const left = new Set(a)
  const right = new Set(b)
  if (left.size === 0 || right.size === 0) {
    return null
  }
  let shared = 0
  for (const code of left) {
    if (right.has(code)) {
      shared += 1
    }
  }
  return shared / (left.size + right.size - shared)
}

/** The codes both sets have, in order. */
export const sharedCodes = (a: Iterable<string>, b: Iterable<string>): string[] => {
  const right = new Set(b)
  return [...new Set(a)].filter((code) => right.has(code)).sort()
}
