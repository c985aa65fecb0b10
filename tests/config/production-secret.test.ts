import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { productionSecretProblem } from '../../src/server.js'
import { runNode } from '../helpers/run-node.js'

const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64')
// Nothing listens on port 1: the refusal must come before any connection is tried.
const POSTGRES = 'postgresql://postgres@127.0.0.1:1/candid'

// Issue 14.7: a generated server secret kept in the database lets a copy of it open reviewers' TOTP secrets.
describe('SERVER_SECRET in production', () => {
  it('is required on PostgreSQL in production, and only there', () => {
    expect(productionSecretProblem(loadConfig({ DATABASE_URL: POSTGRES }))).toMatch(/SERVER_SECRET is not set/)
    expect(productionSecretProblem(loadConfig({ DATABASE_URL: POSTGRES, SERVER_SECRET: SECRET }))).toBeUndefined()
    expect(productionSecretProblem(loadConfig({ DATABASE_URL: POSTGRES, NODE_ENV: 'development' }))).toBeUndefined()
    // The embedded quick start may still generate one (and says at start how to move it out).
    expect(productionSecretProblem(loadConfig({ NODE_ENV: 'production' }))).toBeUndefined()
  })

  it('the server refuses to start without it, saying how to move a generated secret out', async () => {
    const result = await runNode('src/server.ts', [], {
      DATABASE_URL: POSTGRES,
      NODE_ENV: 'production',
      PORT: '0',
      MIGRATE_ON_START: 'false'
    })

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Candid cannot start: SERVER_SECRET is not set\. With DATABASE_URL and NODE_ENV=production/)
    expect(result.stderr).toMatch(/server-secret --show/)
    expect(result.stdout).not.toMatch(/Server listening/)
  })
})
