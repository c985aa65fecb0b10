import { afterEach, describe, expect, it } from 'vitest'
import { runAdmin } from '../helpers/admin.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

describe('npm run admin -- publish-quarter', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('publishes a closed quarter once, and refuses bad or open quarters', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const env = testDb.env

    const published = await runAdmin(['publish-quarter', '--quarter', '2026-Q2'], env)
    const again = await runAdmin(['publish-quarter', '--quarter', '2026-Q2'], env)
    const earlier = await runAdmin(['publish-quarter', '--quarter', '2026-Q1'], env)
    const open = await runAdmin(['publish-quarter', '--quarter', '2099-Q1'], env)
    const malformed = await runAdmin(['publish-quarter', '--quarter', '2026-05'], env)
    const missing = await runAdmin(['publish-quarter'], env)

    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout.trim()).toBe('published 2026-Q2: 9 regions, 0 reports')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already published')
    expect(earlier.code).not.toBe(0)
    expect(earlier.stderr).toContain('comes before the latest publication (2026-Q2)')
    expect(open.code).not.toBe(0)
    expect(open.stderr).toContain('closed for 14 days')
    expect(malformed.code).not.toBe(0)
    expect(malformed.stderr).toContain('quarter')
    expect(missing.code).not.toBe(0)
  })
})
