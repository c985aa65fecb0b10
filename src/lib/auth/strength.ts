import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * How hard a password is to guess, by zxcvbn 4 (Dropbox's estimator: dictionaries of common passwords, words and
 * names, keyboard walks, sequences, repeats, dates and l33t, scored by the guesses an attacker needs). Used to
 * refuse weak passwords without composition rules (R20; ASVS 5.0 6.2; NIST SP 800-63B 3.1.1.2).
 *
 * zxcvbn is synchronous and, on some inputs, slow: its l33t matching grows with the input, so 64 characters of
 * symbols that read as letters ("4@8({[<3690!|7$5+%2…") take well over a second. It therefore runs in a worker
 * thread, never on the event loop, sees only the first ESTIMATE_INPUT_MAX characters (a strong start makes a strong
 * password; a weak start is refused, which is safe), and is given ESTIMATE_TIMEOUT_MS before the worker is stopped.
 */

/** Characters of a password the estimator sees. */
export const ESTIMATE_INPUT_MAX = 64
export const ESTIMATE_TIMEOUT_MS = 10_000
/** A worker with nothing to do is stopped after this long (it holds zxcvbn's dictionaries, some tens of MB). */
const IDLE_MS = 60_000

export type StrengthEstimate = {
  /** 0–4: guesses under 10^3, 10^6, 10^8, 10^10, or more. */
  score: number
  /** zxcvbn's reason in words, or '' (fixed phrases such as "Straight rows of keys are easy to guess"). */
  warning: string
}

export class StrengthCheckFailed extends Error {}

// A CommonJS script, so that it runs the same from the TypeScript sources (tests, tsx) and from dist/. It never
// sends back anything of the password but the score and zxcvbn's fixed warning.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const zxcvbn = require(workerData.zxcvbnPath)
parentPort.on('message', ({ id, password, userInputs }) => {
  let answer
  try {
    const result = zxcvbn(password, userInputs)
    answer = { id, score: result.score, warning: result.feedback.warning || '' }
  } catch {
    answer = { id, failed: true }
  }
  parentPort.postMessage(answer)
})
`

type Answer = { id: number; score?: number; warning?: string; failed?: boolean }
type Pending = { resolve: (estimate: StrengthEstimate) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }

let zxcvbnPath: string | undefined
let worker: Worker | undefined
let idleTimer: NodeJS.Timeout | undefined
let nextId = 0
const pending = new Map<number, Pending>()

const failAll = (reason: string) => {
  for (const [id, request] of pending) {
    clearTimeout(request.timer)
    request.reject(new StrengthCheckFailed(reason))
    pending.delete(id)
  }
}

const stop = (reason: string) => {
  const running = worker
  worker = undefined
  clearTimeout(idleTimer)
  failAll(reason)
  running?.terminate().catch(() => {})
}

const startWorker = () => {
  zxcvbnPath ??= createRequire(import.meta.url).resolve('zxcvbn')
  // execArgv: [] so that the worker does not inherit loaders (tsx, test runners) it has no use for.
  const started = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { zxcvbnPath },
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 256 }
  })
  started.unref()
  started.on('message', (answer: Answer) => {
    const request = pending.get(answer.id)
    if (!request) {
      return
    }
    pending.delete(answer.id)
    clearTimeout(request.timer)
    if (answer.failed || typeof answer.score !== 'number') {
      request.reject(new StrengthCheckFailed('the estimator failed'))
    } else {
      request.resolve({ score: answer.score, warning: answer.warning ?? '' })
    }
    if (pending.size === 0 && worker === started) {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => stop('idle'), IDLE_MS).unref()
    }
  })
  started.on('error', () => {
    if (worker === started) {
      stop('the estimator stopped')
    }
  })
  started.on('exit', () => {
    if (worker === started) {
      stop('the estimator stopped')
    }
  })
  return started
}

/**
 * Estimates the strength of the first ESTIMATE_INPUT_MAX characters of `password`, off the event loop.
 * `userInputs` are words that make a password easy to guess here (the e-mail address, the service's name).
 * Rejects with StrengthCheckFailed if the estimator takes longer than `timeoutMs` (the worker is then stopped and
 * the next call starts a new one) or fails.
 */
export const estimateStrength = (
  password: string,
  userInputs: readonly string[] = [],
  { timeoutMs = ESTIMATE_TIMEOUT_MS }: { timeoutMs?: number } = {}
): Promise<StrengthEstimate> => {
  worker ??= startWorker()
  clearTimeout(idleTimer)
  const id = nextId++
  const input = [...password].slice(0, ESTIMATE_INPUT_MAX).join('')
  const target = worker
  return new Promise<StrengthEstimate>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (worker === target) {
        stop('the estimator took too long')
      }
    }, timeoutMs)
    pending.set(id, { resolve, reject, timer })
    target.postMessage({ id, password: input, userInputs: [...userInputs] })
  })
}
