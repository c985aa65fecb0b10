import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
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
    const lockPath = path.join(dir, 'pglite.lock')
    const release = await acquireLock(lockPath)

    await expect(acquireLock(lockPath)).rejects.toThrow(DatabaseLockedError)
    await expect(acquireLock(lockPath)).rejects.toThrow(/in use by process \d+/)
    expect(await readFile(lockPath, 'utf8')).toBe(String(process.pid))

    await release()
    const again = await acquireLock(lockPath)
    await again()
  })

  it('takes over a lock left by a process that no longer exists', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-lock-'))
    const lockPath = path.join(dir, 'pglite.lock')
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = child.pid as number
    await new Promise((resolve) => child.on('exit', resolve))
    await writeFile(lockPath, String(deadPid))

    const release = await acquireLock(lockPath)

    expect(await readFile(lockPath, 'utf8')).toBe(String(process.pid))
    await release()
  })
})
