import { randomUUID } from 'node:crypto'
import { mkdir, readdir, rm, rmdir, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * PGlite is PostgreSQL inside this process: two processes opening the same data directory would corrupt it.
 * This lock keeps a second server, or the admin CLI, out while one runs, and lets a restarted server take over
 * from one that died.
 *
 * Why not proper-lockfile (which this replaced): its stale takeover is "stat, judge stale, rmdir, mkdir", so a racer
 * that judged the old lock stale can remove the fresh lock another racer has just made, and both hold it
 * (moxystudio/node-proper-lockfile#121, open; seen here in CI). Any one-name lock has that race, because "remove it
 * if it is still the stale one" is not an atomic file operation.
 *
 * So each contender makes its OWN entry, `DATA_DIR/pglite.lock/<random id>`, and then looks at the others:
 * - an entry refreshed within STALE_MS belongs to a live holder or contender: withdraw our entry and report it busy;
 * - an older entry belongs to a holder that died or hung: remove it (only that entry, by its own name — a fresh
 *   entry, having another name, can never be removed by mistake).
 * Of two contenders, the one that made its entry second looks after both entries exist, so it sees the first and
 * withdraws: two can never both hold it (both may withdraw at once; a server retries, a CLI says "in use"). The
 * holder refreshes its entry's mtime; if it finds its entry gone, or another fresh entry beside it (it hung longer
 * than STALE_MS and was taken over), the lock is compromised and it must stop writing. No process id is involved,
 * so a reused pid (PID 1 in a container) cannot keep a dead lock alive.
 */

const STALE_MS = 10_000
const REFRESH_MS = STALE_MS / 4
const RETRY_MS = 500

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
  /** Called if the lock is lost while held: the holder must stop writing at once. By default it throws (crash). */
  onCompromised?: (error: Error) => void
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT'

/** Makes our entry; the container may be removed by a releasing holder at the same moment, so try again then. */
const makeEntry = async (lockPath: string, entry: string): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    await mkdir(lockPath, { recursive: true, mode: 0o700 })
    try {
      await mkdir(entry, { mode: 0o700 })
      return
    } catch (error) {
      if (!isMissing(error) || attempt >= 5) throw error
    }
  }
}

/** The other entries refreshed within STALE_MS; older ones (dead holders) are removed on the way. */
const liveOthers = async (lockPath: string, ownName: string): Promise<string[]> => {
  const live: string[] = []
  for (const name of await readdir(lockPath)) {
    if (name === ownName) continue
    const other = path.join(lockPath, name)
    try {
      const { mtimeMs } = await stat(other)
      if (Date.now() - mtimeMs < STALE_MS) {
        live.push(name)
      } else {
        await rm(other, { recursive: true, force: true })
      }
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }
  return live
}

/** Removes our entry, and the container if nothing else is in it (ENOTEMPTY: someone else is there; leave it). */
const removeEntry = async (lockPath: string, entry: string): Promise<void> => {
  await rm(entry, { recursive: true, force: true })
  await rmdir(lockPath).catch(() => undefined)
}

/** One try: our entry stays (and we hold the lock) only if no other live entry is beside it. */
const tryOnce = async (lockPath: string): Promise<string | undefined> => {
  const name = randomUUID()
  const entry = path.join(lockPath, name)
  await makeEntry(lockPath, entry)
  try {
    if ((await liveOthers(lockPath, name)).length === 0) return name
  } catch (error) {
    await removeEntry(lockPath, entry)
    throw error
  }
  await removeEntry(lockPath, entry)
  return undefined
}

/** Keeps our entry fresh, and notices if it was taken over while this process hung. */
const keepFresh = (lockPath: string, name: string, onCompromised: (error: Error) => void): (() => void) => {
  const entry = path.join(lockPath, name)
  let stopped = false
  const refresh = async (): Promise<void> => {
    const now = new Date()
    try {
      await utimes(entry, now, now)
      if ((await liveOthers(lockPath, name)).length > 0) {
        throw new Error('another process took the embedded database lock over while this one was not refreshing it')
      }
    } catch (error) {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      const reason = isMissing(error) ? new Error('the embedded database lock was removed by another process') : error
      // Outside this promise, so that the default (throw) crashes the process rather than rejecting unseen.
      setImmediate(() => onCompromised(Object.assign(reason as Error, { code: 'ECOMPROMISED' })))
    }
  }
  // refresh() catches everything itself, so its promise never rejects.
  const timer = setInterval(refresh, REFRESH_MS)
  timer.unref()
  return () => {
    stopped = true
    clearInterval(timer)
  }
}

/** Takes the lock on `dataDir` or throws DatabaseLockedError; resolves to a release function. */
export const acquireLock = async (dataDir: string, options: LockOptions = {}): Promise<() => Promise<void>> => {
  const lockPath = `${dataDir}.lock`
  const deadline = Date.now() + (options.waitMs ?? 0)
  for (;;) {
    const name = await tryOnce(lockPath)
    if (name !== undefined) {
      const stop = keepFresh(
        lockPath,
        name,
        options.onCompromised ??
          ((error) => {
            throw error
          })
      )
      let released = false
      return async () => {
        if (released) return
        released = true
        stop()
        await removeEntry(lockPath, path.join(lockPath, name))
      }
    }
    if (Date.now() + RETRY_MS > deadline) throw new DatabaseLockedError(lockPath)
    // Jitter, so that contenders that withdrew together do not come back together.
    await sleep(RETRY_MS / 2 + Math.random() * RETRY_MS)
  }
}

/** A server restarting after a crash waits this long for the dead holder's lock to go stale. */
export const RESTART_WAIT_MS = STALE_MS + 2_000
