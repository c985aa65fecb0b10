#!/usr/bin/env node
// Runs `prisma generate` without network. The Prisma CLI insists on locating its native schema engine even
// though generate never calls it, and would try to download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// executable (node itself) satisfies the check. Migrations use the WASM engine instead (src/db/schema-engine.ts).
// In a production-only install (npm ci --omit=dev) the CLI is absent and the client was generated at build time.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
let cli
try {
  const manifest = require.resolve('prisma/package.json')
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'))
  cli = path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin.prisma)
} catch {
  process.stderr.write('prisma CLI not installed (production install): skipping prisma generate\n')
  process.exit(0)
}

const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1'
  }
})
process.exit(result.status ?? 1)
