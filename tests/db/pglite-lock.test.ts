import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireLock, DatabaseLockedError } from '../../src/db/pglite-lock.js'
import { runNode } from '../helpers/run-node.js'

/** What a holder that died leaves behind: its entry in the lock, no longer refreshed. */
const leaveDeadHolder = async (dataDir: string): Promise<void> => {
  const entry = path.join(`${dataDir}.lock`, 'dead-holder')
  await mkdir(entry, { recursive: true })
  const longAgo = new Date(Date.now() - 60_000)
  await utimes(entry, longAgo, longAgo)
}

const LOCK_MODULE = new URL('../../src/db/pglite-lock.ts', import.meta.url).href

// A contender in its own process: takes the lock (waiting for it), records when it held it, holds it a while.
const CONTENDER = `
import { appendFile } from 'node:fs/promises'
import { acquireLock } from '${LOCK_MODULE}'
const [dataDir, log, holdMs] = process.argv.slice(2)
const release = await acquireLock(dataDir, { waitMs: 60_000, onCompromised: (e) => { console.error(e); process.exit(3) } })
const start = Date.now()
await new Promise((resolve) => setTimeout(resolve, Number(holdMs)))
await appendFile(log, JSON.stringify({ start, end: Date.now() }) + '\\n')
await release()
`

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
    await leaveDeadHolder(dataDir)

    const release = await acquireLock(dataDir)

    expect(existsSync(path.join(`${dataDir}.lock`, 'dead-holder'))).toBe(false)
    await expect(acquireLock(dataDir)).rejects.toThrow(DatabaseLockedError)
    await release()
  })

  it('never lets two of several contenders racing for a stale lock have it at once, round after round', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')
    for (let round = 0; round < 20; round++) {
      await leaveDeadHolder(dataDir)
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireLock(dataDir)))
      const winners = results.filter((result) => result.status === 'fulfilled')
      expect(winners.length).toBeLessThanOrEqual(1)
      for (const loser of results.filter((result) => result.status === 'rejected')) {
        expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseLockedError)
      }
      if (winners[0]) {
        await expect(acquireLock(dataDir)).rejects.toThrow(DatabaseLockedError)
        await (winners[0] as PromiseFulfilledResult<() => Promise<void>>).value()
      }
    }
    // Once the races are over the lock can be had at once.
    const release = await acquireLock(dataDir)
    await release()
  })

  it('gives the lock to processes racing for a dead holder one at a time, each in turn', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')
    const log = path.join(dir, 'held.jsonl')
    const script = path.join(dir, 'contender.mts')
    await writeFile(script, CONTENDER)
    await writeFile(log, '')
    await leaveDeadHolder(dataDir)

    const runs = await Promise.all(Array.from({ length: 4 }, () => runNode(script, [dataDir, log, '300'], {})))
    for (const run of runs) expect(run.stderr).toBe('')
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0])

    const held = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { start: number; end: number })
      .sort((a, b) => a.start - b.start)
    expect(held).toHaveLength(4)
    for (let i = 1; i < held.length; i++) {
      expect(held[i]!.start).toBeGreaterThanOrEqual(held[i - 1]!.end)
    }
  })

  it('tells the holder its lock is lost if another process removed it or took it over', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const dataDir = path.join(dir, 'pglite')

    const removed = new Promise<Error>((resolve) => {
      acquireLock(dataDir, { onCompromised: resolve })
        .then(() => rm(`${dataDir}.lock`, { recursive: true }))
        .catch(() => undefined)
    })
    expect(((await removed) as NodeJS.ErrnoException).code).toBe('ECOMPROMISED')

    await rm(`${dataDir}.lock`, { recursive: true, force: true })
    const takenOver = new Promise<Error>((resolve) => {
      // A fresh entry beside ours: what this process would find after hanging longer than the stale time.
      acquireLock(dataDir, { onCompromised: resolve })
        .then(() => mkdir(path.join(`${dataDir}.lock`, 'newer-holder')))
        .catch(() => undefined)
    })
    expect((await takenOver).message).toMatch(/took the embedded database lock over/)
  })
})
