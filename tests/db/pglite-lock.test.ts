import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireLock, DatabaseLockedError } from '../../src/db/pglite-lock.js'

describe('embedded database lock', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps a second opener out while the first holds it, and lets it in after release', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')
    const release = await acquireLock(dataDir)

    await expect(acquireLock(dataDir)).rejects.toThrow(DatabaseLockedError)
    await expect(acquireLock(dataDir)).rejects.toThrow(/in use by another process/)
    expect(existsSync(`${dataDir}.lock`)).toBe(true)

    await release()
    expect(existsSync(`${dataDir}.lock`)).toBe(false)
    const again = await acquireLock(dataDir)
    await again()
  })

  it('takes over a lock its holder stopped refreshing (a crashed process), whatever its pid was', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')
    await mkdir(`${dataDir}.lock`)
    const longAgo = new Date(Date.now() - 60_000)
    await utimes(`${dataDir}.lock`, longAgo, longAgo)

    const release = await acquireLock(dataDir)

    await expect(acquireLock(dataDir)).rejects.toThrow(DatabaseLockedError)
    await release()
  })

  it('never lets two of several processes racing for a stale lock have it at once', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')
    await mkdir(`${dataDir}.lock`)
    const longAgo = new Date(Date.now() - 60_000)
    await utimes(`${dataDir}.lock`, longAgo, longAgo)

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => acquireLock(dataDir)))

    // Safety, not liveness: racers can knock each other out (one takes the stale lock over while another, which
    // judged it stale a moment earlier, removes it again), so none may win; two never do. A server waits and
    // retries (RESTART_WAIT_MS), a CLI command says the database is in use.
    const winners = results.filter((result) => result.status === 'fulfilled')
    expect(winners.length).toBeLessThanOrEqual(1)
    for (const loser of results.filter((result) => result.status === 'rejected')) {
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(Error)
    }
    if (winners[0]) {
      await expect(acquireLock(dataDir)).rejects.toThrow(DatabaseLockedError)
      await (winners[0] as PromiseFulfilledResult<() => Promise<void>>).value()
    }
    // Once the race is over the lock can be had.
    const release = await acquireLock(dataDir, { waitMs: 15_000 })
    await release()
  })
})
