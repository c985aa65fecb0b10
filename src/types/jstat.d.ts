// jstat ships no types and has no @types package; only the functions the statistics and their bench use are
// declared. It is CommonJS: its default export is the jStat object.
declare module 'jstat' {
  const jStat: {
    studentt: {
      cdf: (x: number, dof: number) => number
      inv: (p: number, dof: number) => number
    }
    /** Regularised incomplete beta I_x(a, b). */
    ibeta: (x: number, a: number, b: number) => number
    /** Regularised lower incomplete gamma P(a, x). */
    lowRegGamma: (a: number, x: number) => number
    /** log Γ(x). */
    gammaln: (x: number) => number
  }
  export default jStat
}
