import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/env.js'

const issuesOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).issues
  }
  throw new Error('expected loadConfig to throw')
}

describe('loadConfig', () => {
  it('starts on the embedded database under ./data with safe defaults', () => {
    const config = loadConfig({})

    expect(config.port).toBe(3000)
    expect(config.host).toBe('127.0.0.1')
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('data', 'pglite') })
    expect(config.trustProxy).toBe(false)
    expect(config.migrateOnStart).toBe(true)
    expect(config.logLevel).toBe('info')
    expect(config.shutdownGraceMs).toBe(10_000)
    expect(config.pressure.maxEventLoopDelayMs).toBe(1000)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://app@db:5432/candid', DB_POOL_MAX: '20' })

    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://app@db:5432/candid', poolMax: 20 })
  })

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000)
  })

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgresql://localhost' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ MIGRATE_ON_START: 'perhaps' }, 'MIGRATE_ON_START'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '2' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/99' }, 'TRUST_PROXY'],
    [{ SERVER_SECRET: 'c2hvcnQ=' }, 'SERVER_SECRET'],
    [{ SERVER_SECRET: 'a'.repeat(64) }, 'SERVER_SECRET'],
    [{ RATE_LIMIT_INTAKE_PER_10MIN: '0' }, 'RATE_LIMIT_INTAKE_PER_10MIN'],
    [{ REGIONS: 'North East' }, 'REGIONS'],
    [{ INIT_KEYS_ON_START: 'maybe' }, 'INIT_KEYS_ON_START'],
    [{ REDIS_URL: 'http://cache:6379', SERVER_SECRET: Buffer.from([...Array(32).keys()]).toString('base64') }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://cache:6379' }, 'REDIS_URL'],
    [{ MAX_EVENT_LOOP_UTILIZATION: '1.5' }, 'MAX_EVENT_LOOP_UTILIZATION']
  ])('refuses %o, naming %s', (env, name) => {
    const issues = issuesOf(env)

    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(new RegExp(`^${name}: `))
  })

  it('reports every wrong variable at once', () => {
    const issues = issuesOf({ PORT: '-1', LOG_LEVEL: 'loud', DATABASE_URL: 'nope' })

    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT'])
  })

  it('batches intake by default, and refuses a flush after every report (INTAKE_BATCH_SECONDS=0) in production', () => {
    expect(loadConfig({}).intakeBatchSeconds).toBe(600)
    expect(issuesOf({ INTAKE_BATCH_SECONDS: '0' })).toEqual([expect.stringMatching(/^INTAKE_BATCH_SECONDS: .*production/)])
    expect(issuesOf({ INTAKE_BATCH_SECONDS: '-5' })[0]).toMatch(/^INTAKE_BATCH_SECONDS: /)
    expect(loadConfig({ NODE_ENV: 'test', INTAKE_BATCH_SECONDS: '0' }).intakeBatchSeconds).toBe(0)
    expect(loadConfig({ INTAKE_BATCH_SECONDS: '900' }).intakeBatchSeconds).toBe(900)
    // Batches must not straddle midnight (received_on would split one into two narrower windows).
    expect(issuesOf({ INTAKE_BATCH_SECONDS: '700' })).toEqual([expect.stringMatching(/^INTAKE_BATCH_SECONDS: .*divide a day/)])
  })

  it('refuses a SUPPRESS_BELOW that ROUND_TO would round below itself, naming both, and accepts one it does not', () => {
    // 12 to the nearest 5 is 10: a count of 12 would be published as 10, and every publication would throw.
    const issues = issuesOf({ SUPPRESS_BELOW: '12', ROUND_TO: '5' })

    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(/^SUPPRESS_BELOW: .*ROUND_TO=5.*published as 10/)
    expect(issuesOf({ SUPPRESS_BELOW: '20', ROUND_TO: '50' })[0]).toMatch(/^SUPPRESS_BELOW: .*ROUND_TO=50.*published as 0/)
    expect(loadConfig({ SUPPRESS_BELOW: '13', ROUND_TO: '5' }).publication).toMatchObject({ threshold: 13, base: 5 })
    expect(loadConfig({ SUPPRESS_BELOW: '20', ROUND_TO: '10' }).publication).toMatchObject({ threshold: 20, base: 10 })
  })

  it('accepts named proxies only, as addresses or CIDR ranges', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12' }).trustProxy).toEqual(['10.0.0.1', '172.16.0.0/12'])
  })
})
