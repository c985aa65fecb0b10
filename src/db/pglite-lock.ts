import { open, readFile, rm } from 'node:fs/promises'

/**
 * PGlite is PostgreSQL inside this process: two processes opening the same data directory would corrupt it.
 * A lock file holding the owner's pid keeps a second server, or the admin CLI, out while one is running.
 */

export class DatabaseLockedError extends Error {
  constructor (
    readonly lockPath: string,
    readonly ownerPid: number
  ) {
    super(
      `The embedded database is in use by process ${ownerPid} (a running Candid server or CLI). ` +
        `Stop it first, or point DATABASE_URL at PostgreSQL. If no such process exists, delete ${lockPath}.`
    )
    this.name = 'DatabaseLockedError'
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM means the process exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock or throws DatabaseLockedError; a lock left by a dead process is taken over. */
export const acquireLock = async (lockPath: string): Promise<() => Promise<void>> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600)
      await handle.writeFile(String(process.pid))
      await handle.close()
      let released = false

      return async () => {
        if (!released) {
          released = true
          await rm(lockPath, { force: true })
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error
      }
      const ownerPid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10)
      if (Number.isInteger(ownerPid) && ownerPid > 0 && isAlive(ownerPid)) {
        throw new DatabaseLockedError(lockPath, ownerPid)
      }
      await rm(lockPath, { force: true })
    }
  }

  throw new Error(`Could not take the lock ${lockPath}`)
}
