import lockfile from 'proper-lockfile'

/**
 * PGlite is PostgreSQL inside this process: two processes opening the same data directory would corrupt it.
 * A lock (proper-lockfile: an atomically created directory whose mtime the holder refreshes) keeps a second
 * server, or the admin CLI, out while one runs. A lock whose holder died goes stale after STALE_MS and is taken
 * over; no process id is involved, so a reused pid (PID 1 in a container) cannot keep a dead lock alive.
 */

const STALE_MS = 10_000

export class DatabaseLockedError extends Error {
  constructor (readonly lockPath: string) {
    super(
      'The embedded database is in use by another process (a running Candid server or CLI). ' +
        `Stop it first, or point DATABASE_URL at PostgreSQL. (Lock: ${lockPath})`
    )
    this.name = 'DatabaseLockedError'
  }
}

export type LockOptions = {
  /**
   * How long to wait for a lock held by someone else. A server restarting after a crash waits for the dead
   * holder's lock to go stale; a CLI command fails at once.
   */
  waitMs?: number
  /** Called if the lock is lost while held (its refresh failed): the holder must stop writing at once. */
  onCompromised?: (error: Error) => void
}

/** Takes the lock on `dataDir` or throws DatabaseLockedError; resolves to a release function. */
export const acquireLock = async (dataDir: string, options: LockOptions = {}): Promise<() => Promise<void>> => {
  const lockPath = `${dataDir}.lock`
  const waitMs = options.waitMs ?? 0
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: lockPath,
      realpath: false,
      stale: STALE_MS,
      retries: waitMs > 0 ? { retries: Math.ceil(waitMs / 500), minTimeout: 500, maxTimeout: 500, factor: 1 } : 0,
      onCompromised:
        options.onCompromised ??
        ((error) => {
          throw error
        })
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DatabaseLockedError(lockPath)
    }
    throw error
  }
}

/** A server restarting after a crash waits this long for the dead holder's lock to go stale. */
export const RESTART_WAIT_MS = STALE_MS + 2_000
