// Lint and style: neostandard, the Fastify ecosystem's configuration (fastify/fastify, fastify/demo), with the same
// two adjustments as those projects.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['src/generated/**', 'dist/**', 'data/**', 'coverage/**'] }),
  {
    rules: {
      '@stylistic/comma-dangle': ['error', 'never'],
      '@stylistic/max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }
      ],
      'no-console': 'error'
    }
  }
]
